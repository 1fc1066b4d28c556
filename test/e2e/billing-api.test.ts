import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClinic, createPriceItem, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/** A manager's new API token for the clinic. */
async function apiToken(url: string, clinic: TestClinic): Promise<string> {
  const manager = new WebClient(url);
  await manager.signIn(clinic.manager.email);
  await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
  await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'Accounting' });
  const page = await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
  return /data-testid="new-token">([^<]+)</.exec(page.text)![1];
}

describe('billing through the JSON API, the export and the audit log, one clinic at a time', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let other: TestClinic;
  let token: string;
  let item: string;
  let dir: string;
  const api = async (path: string, init: { method?: string; body?: unknown; as?: string } = {}) => {
    const res = await fetch(`${t.url}/api/v1/${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.as ?? token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    [clinic, other] = await Promise.all([createClinic({ currency: 'MXN' }), createClinic()]);
    token = await apiToken(t.url, clinic);
    item = await createPriceItem(clinic, { code: 'CONS', priceMinor: 50000, taxBp: 1600 });
    dir = mkdtempSync(join(tmpdir(), 'vetlane-billing-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds charges, refuses bad ones with stable codes, and reads invoices and payments', async () => {
    const pet = clinic.pets[0];
    const charge = await api('charges', {
      method: 'POST',
      body: { petId: pet.id, itemId: item, quantity: '1.5' },
    });
    expect(charge.status).toBe(201);
    expect(charge.json).toMatchObject({
      clientId: pet.clientId,
      quantity: '1.50',
      netMinor: '75000',
      invoiceId: null,
    });
    const negative = await api('charges', {
      method: 'POST',
      body: { petId: pet.id, itemId: item, quantity: '-1' },
    });
    expect(negative).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    expect(Object.keys(negative.json.error.fields)).toEqual(['quantity']);

    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    const issued = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, {
      chargeIds: charge.json.id,
    });
    const invoiceId = issued.location!.split('/').pop()!;
    const invoice = await api(`invoices/${invoiceId}`);
    expect(invoice.json).toMatchObject({
      label: 'INV-000001',
      currency: 'MXN',
      totals: { subtotalMinor: '75000', taxMinor: '12000', totalMinor: '87000' },
      taxes: [{ rateBp: 1600, baseMinor: '75000', taxMinor: '12000' }],
    });
    expect((await api('invoices')).json).toMatchObject({ total: 1, data: [{ id: invoiceId }] });

    const pay = (body: object) =>
      api('payments', {
        method: 'POST',
        body: { clientId: pet.clientId, method: 'transfer', ...body },
      });
    expect((await pay({ amount: '870.01' })).json.error.code).toBe('payment_exceeds_balance');
    expect((await pay({ amount: '1.001' })).status).toBe(400);
    const key = '6f1d3a52-9a39-4c4e-9a51-0c1b2d3e4f50';
    expect((await pay({ amount: '800', invoiceId, formKey: key })).status).toBe(201);
    expect(await pay({ amount: '800', invoiceId, formKey: key })).toMatchObject({
      status: 409,
      json: { error: { code: 'payment_already_recorded' } },
    });
    const payments = await api(`payments?clientId=${pet.clientId}`);
    expect(payments.json).toMatchObject({
      total: 1,
      data: [{ amountMinor: '80000', kind: 'payment' }],
    });
    expect((await api(`invoices/${invoiceId}`)).json.paidMinor).toBe('80000');

    const { rows } = await adminQuery(
      superuserUrl(),
      `select action from audit_events where tenant_id = $1 and entity in ('charge', 'invoice', 'payment') order by occurred_at, action`,
      [clinic.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'charge.added',
      'invoice.drafted',
      'invoice.issued',
      'payment.recorded',
    ]);
  });

  it("keeps another clinic's invoices out of sight: 404 on its pages and through its token", async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select id from invoices where tenant_id = $1`,
      [clinic.id],
    );
    const theirs = rows[0].id as string;
    const desk = new WebClient(t.url);
    await desk.signIn(other.frontdesk.email);
    expect((await desk.get(`/c/${other.slug}/invoices/${theirs}`)).status).toBe(404);
    expect((await desk.get(`/c/${other.slug}/invoices/${theirs}/pdf`)).status).toBe(404);
    const otherToken = await apiToken(t.url, other);
    expect((await api(`invoices/${theirs}`, { as: otherToken })).status).toBe(404);
    expect((await api('invoices', { as: otherToken })).json.total).toBe(0);
    const pay = await api('payments', {
      method: 'POST',
      as: otherToken,
      body: { clientId: clinic.pets[0].clientId, amount: '1', method: 'cash' },
    });
    expect(pay.status).toBe(404);
  });

  it('documents the billing endpoints in OpenAPI', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/api/v1/invoices'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/invoices/{id}'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/payments']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/charges']).sort()).toEqual(['get', 'post']);
  });

  it("puts the price list, charges, invoices, their lines and payments in the clinic's export", async () => {
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    const res = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, {
      headers: { cookie: `vetlane.sid=${manager.cookie('vetlane.sid')}` },
    });
    expect(res.status).toBe(200);
    writeFileSync(join(dir, 'export.zip'), Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-q', join(dir, 'export.zip'), '-d', join(dir, 'out')]);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
    const counts = Object.fromEntries(
      ['price_items', 'charges', 'invoices', 'invoice_lines', 'payments'].map((t) => [
        t,
        manifest.tables[t]?.rows,
      ]),
    );
    expect(counts).toEqual({
      price_items: 1,
      charges: 1,
      invoices: 1,
      invoice_lines: 1,
      payments: 1,
    });
    expect(readFileSync(join(dir, 'out', 'data', 'invoices.csv'), 'utf8')).toContain('87000');
  });
});
