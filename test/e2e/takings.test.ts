import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  createCharge,
  createCompany,
  createPriceItem,
  createUser,
  type TestClinic,
  type TestCompany,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const formKey = (html: string) => /name="formKey" value="([^"]+)"/.exec(html)![1];

describe("the day's takings and the company's revenue", () => {
  const t = sharedApp();
  let company: TestCompany;
  let madrid: TestClinic;
  let monterrey: TestClinic;
  let desk: WebClient;

  /** Checks out one 100.00 + 21 % charge for the clinic's first client (issued now). */
  async function sell(clinic: TestClinic, web: WebClient): Promise<string> {
    const item = await createPriceItem(clinic, {
      code: `C${Date.now() % 100000}`,
      priceMinor: 10000,
      taxBp: 2100,
    });
    const pet = clinic.pets[0];
    const charge = await createCharge(clinic, { pet, itemId: item });
    await web.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    return (
      await web.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, { chargeIds: charge })
    ).location!;
  }

  beforeAll(async () => {
    company = await createCompany({
      clinics: [
        { timeZone: 'Europe/Madrid', name: 'Caja Madrid', currency: 'EUR', pets: 2 },
        {
          timeZone: 'America/Monterrey',
          name: 'Caja Monterrey',
          currency: 'MXN',
          locale: 'es',
          pets: 1,
        },
      ],
    });
    [madrid, monterrey] = company.clinics;
    desk = new WebClient(t.url);
    await desk.signIn(madrid.frontdesk.email);
    const invoice = await sell(madrid, desk);
    const page = await desk.get(invoice);
    await desk.post(`${invoice}/payments`, {
      amount: '100',
      method: 'card',
      formKey: formKey(page.text),
    });
    await desk.post(`${invoice}/payments`, {
      amount: '5',
      method: 'cash',
      formKey: formKey((await desk.get(invoice)).text),
    });
    // Monterrey: 200.00 before tax forty days ago and 100.00 now, so revenue is down 50 %.
    await adminQuery(
      superuserUrl(),
      `insert into invoices (tenant_id, client_id, kind, status, series, number, currency, issued_at, subtotal_minor, tax_minor, total_minor)
       values ($1, $2, 'invoice', 'issued', 'OLD', 1, 'MXN', now() - interval '40 days', 20000, 3200, 23200)`,
      [monterrey.id, monterrey.pets[0].clientId],
    );
    const mty = new WebClient(t.url);
    await mty.signIn(monterrey.frontdesk.email);
    await sell(monterrey, mty);
  });

  it("adds up the front desk's day by method, with documents issued and who still owes", async () => {
    const page = await desk.get(`/c/${madrid.slug}/billing/cash-up`);
    expect(page.status).toBe(200);
    const row = (method: string) =>
      new RegExp(`data-method="${method}"[\\s\\S]*?data-col="net">([^<]*)<`).exec(page.text)![1];
    expect([row('card'), row('cash'), row('transfer')]).toEqual(['€100.00', '€5.00', '€0.00']);
    expect(/data-testid="takings-total">([^<]*)</.exec(page.text)![1]).toBe('€105.00');
    expect(page.text).toContain('1 invoice issued');
    expect(page.text).toMatch(/1 client owes<\/dt><dd>€16.00/);
    const vet = new WebClient(t.url);
    await vet.signIn(madrid.vet.email);
    expect((await vet.get(`/c/${madrid.slug}/billing/cash-up`)).status).toBe(404);
  });

  it("shows the company admin each clinic's revenue in its currency against the previous 30 days", async () => {
    const admin = await createUser({ adminOf: [company.id] });
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    const html = (await web.get(`/companies/${company.slug}`)).text;
    const revenue = (slug: string) =>
      (html.split(`data-clinic="${slug}"`)[1] ?? '')
        .split('</tr>')[0]
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ');
    expect(revenue(madrid.slug)).toContain('€100.00 vs €0.00 the 30 days before');
    expect(revenue(monterrey.slug)).toContain('MX$100.00 vs MX$200.00 the 30 days before · -50 %');
  });

  it('keeps the platform admin to counts: no amounts on /admin', async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@vetlane.test');
    const page = await web.get('/admin');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/€|MX\$|revenue|invoice/i);
  });
});
