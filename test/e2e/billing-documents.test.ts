import { beforeAll, describe, expect, it } from '@jest/globals';
import { inflateSync } from 'node:zlib';
import {
  createCharge,
  createClinic,
  createPriceItem,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

/** The text a PDF shows: its content streams inflated, the hex strings of TJ read as Latin-1. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams = [...raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)].map((m) => {
    const bytes = Buffer.from(m[1], 'latin1');
    try {
      return inflateSync(bytes).toString('latin1');
    } catch {
      return '';
    }
  });
  return streams
    .join('\n')
    .split('\n')
    .map((line) =>
      [...line.matchAll(/<([0-9a-f]+)>/gi)]
        .map((h) => Buffer.from(h[1], 'hex').toString('latin1'))
        .join(''),
    )
    .join('\n');
}

describe("an invoice's documents: the printable page and the PDF, in the clinic's language", () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let invoicePath: string;

  beforeAll(async () => {
    clinic = await createClinic({ locale: 'es', currency: 'EUR', name: 'Clínica Sol' });
    const item = await createPriceItem(clinic, {
      code: 'VAC',
      name: 'Vacuna rabia',
      priceMinor: 3050,
      taxBp: 2100,
    });
    const pet = clinic.pets[0];
    const charge = await createCharge(clinic, { pet, itemId: item, quantity: 2 });
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    invoicePath = (
      await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, { chargeIds: charge })
    ).location!;
  });

  it('prints the invoice alone on the page, in Spanish with euros', async () => {
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const page = await desk.get(`${invoicePath}/print`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('Factura INV-000001');
    expect(page.text).toContain('Clínica Sol');
    expect(page.text).toContain('73,81\u00a0€');
    expect(page.text).toContain('href="/assets/billing-print.css"');
    const css = await desk.get('/assets/billing-print.css');
    expect(css.text).toMatch(/@media print \{[^}]*\.topbar[^}]*display: none/);
  });

  it('downloads a PDF of the invoice with its lines, tax and total in the clinic language', async () => {
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const res = await fetch(`${t.url}${invoicePath}/pdf`, {
      headers: { cookie: `vetlane.sid=${desk.cookie('vetlane.sid')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      'Factura INV-000001',
      'Clínica Sol',
      'Vacuna rabia',
      'Base imponible',
      '73,81',
    ])
      expect({ expected, found: text.includes(expected) }).toEqual({ expected, found: true });
  });
});
