import { beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { RUNTIME_ROLE } from '../../src/database/roles.js';
import {
  book,
  createCharge,
  createClinic,
  createPriceItem,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const db = (sql: string, params: unknown[]) => adminQuery(superuserUrl(), sql, params);
/** The runtime role straight to the test database (RLS applies, as in the app). */
const runtimeDirectUrl = () => {
  const url = new URL(superuserUrl());
  url.username = RUNTIME_ROLE;
  return url.toString();
};
/** A form with repeated fields (checked boxes), as a browser sends it. */
const postPairs = (web: WebClient, path: string, pairs: [string, string][]) =>
  web.request(path, {
    method: 'POST',
    body: new URLSearchParams([...pairs, ['_csrf', web.csrf!]]),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
const formKey = (html: string) => /name="formKey" value="([^"]+)"/.exec(html)![1];

describe('billing at a Spanish clinic: price list, charges, invoices, payments', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let manager: WebClient;
  let vet: WebClient;
  let desk: WebClient;
  let consultItem: string;
  let vaccineItem: string;

  beforeAll(async () => {
    clinic = await createClinic({ locale: 'es', currency: 'EUR', pets: 4 });
    [manager, vet, desk] = [new WebClient(t.url), new WebClient(t.url), new WebClient(t.url)];
    await manager.signIn(clinic.manager.email);
    await vet.signIn(clinic.vet.email);
    await desk.signIn(clinic.frontdesk.email);
    vaccineItem = await createPriceItem(clinic, {
      code: 'VAC',
      kind: 'product',
      priceMinor: 2000,
      taxBp: 1000,
    });
  });

  it('lets the manager price a consultation in euros, shown the Spanish way, and refuses bad prices', async () => {
    const prices = `/c/${clinic.slug}/billing/prices`;
    await manager.get(prices);
    const saved = await manager.post(prices, {
      kind: 'service',
      code: 'CONS',
      name: 'Consulta general',
      unitPrice: '45,50',
      taxRate: '21',
      active: 'on',
    });
    expect(saved.status).toBe(303);
    const page = await manager.get(prices);
    expect(page.text).toContain('45,50\u00a0€');
    const [{ id, unit_price_minor, tax_rate_bp }] = (
      await db(
        `select id, unit_price_minor, tax_rate_bp from price_items where tenant_id = $1 and code = 'CONS'`,
        [clinic.id],
      )
    ).rows;
    expect([unit_price_minor, tax_rate_bp]).toEqual(['4550', 2100]);
    consultItem = id;

    const tooPrecise = await manager.post(prices, {
      kind: 'service',
      code: 'X1',
      name: 'X',
      unitPrice: '1.005',
      taxRate: '0',
    });
    expect(tooPrecise.status).toBe(400);
    expect(tooPrecise.text).toContain('Como mucho dos decimales');
    const negative = await manager.post(prices, {
      kind: 'service',
      code: 'X2',
      name: 'X',
      unitPrice: '-3',
      taxRate: '0',
    });
    expect(negative.status).toBe(400);
    const taken = await manager.post(prices, {
      kind: 'service',
      code: 'CONS',
      name: 'Otra',
      unitPrice: '1',
      taxRate: '0',
    });
    expect(taken.status).toBe(409);
    expect(
      (await db(`select count(*)::int as n from price_items where tenant_id = $1`, [clinic.id]))
        .rows[0].n,
    ).toBe(2);

    expect((await desk.get(prices)).status).toBe(404);
  });

  it("pre-fills the visit type's service, and the vet adds a product with a discount and its reason", async () => {
    await manager.get(`/c/${clinic.slug}/billing/prices`);
    await manager.post(`/c/${clinic.slug}/billing/prices/types`, {
      typeId: clinic.consult,
      serviceId: consultItem,
    });
    const visit = await book(clinic, {
      startsAt: new Date('2031-03-03T09:00:00Z'),
      status: 'completed',
    });
    const charges = `/c/${clinic.slug}/appointments/${visit}/charges`;
    const page = await vet.get(charges);
    expect(page.text).toMatch(new RegExp(`<option value="${consultItem}" selected`));

    expect((await vet.post(charges, { itemId: consultItem, quantity: '1' })).status).toBe(303);
    const noReason = await vet.post(charges, {
      itemId: vaccineItem,
      quantity: '2',
      discountType: 'percent',
      discount: '10',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Indica el motivo del descuento');
    const negative = await vet.post(charges, { itemId: vaccineItem, quantity: '-2' });
    expect(negative.status).toBe(400);
    const ok = await vet.post(charges, {
      itemId: vaccineItem,
      quantity: '2',
      discountType: 'percent',
      discount: '10',
      discountReason: 'Cliente habitual',
    });
    expect(ok.status).toBe(303);
    const { rows } = await db(
      `select description, quantity, discount_minor, net_minor from charges where tenant_id = $1 and appointment_id = $2 order by created_at`,
      [clinic.id, visit],
    );
    expect(rows).toEqual([
      { description: 'Consulta general', quantity: '1.00', discount_minor: '0', net_minor: '4550' },
      { description: 'VAC', quantity: '2.00', discount_minor: '400', net_minor: '3600' },
    ]);
  });

  it('checks out open charges into INV-000001 with tax per rate, once only, and the invoice is then immutable', async () => {
    const pet = clinic.pets[0];
    const account = `/c/${clinic.slug}/clients/${pet.clientId}/account`;
    const open = (
      await db(
        `select id from charges where tenant_id = $1 and client_id = $2 and invoice_id is null`,
        [clinic.id, pet.clientId],
      )
    ).rows.map((r) => r.id as string);
    expect(open).toHaveLength(2);
    await desk.get(account);
    const issued = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, {
      chargeIds: open.join(','),
      action: 'issue',
    });
    // Two values of one field, as a browser sends checked boxes.
    expect(issued.status).toBe(400);
    const pairs: [string, string][] = [
      ...open.map((id): [string, string] => ['chargeIds', id]),
      ['action', 'issue'],
    ];
    const checkout = `/c/${clinic.slug}/clients/${pet.clientId}/checkout`;
    const res = await postPairs(desk, checkout, pairs);
    expect(res.status).toBe(303);
    const invoicePage = await desk.get(res.location!);
    expect(invoicePage.text).toContain('INV-000001');
    // 45.50 at 21 % and 36.00 at 10 %: 9.56 + 3.60 tax, 81.50 + 13.16 = 94.66.
    expect(invoicePage.text).toContain('94,66\u00a0€');
    const [inv] = (
      await db(
        `select id, subtotal_minor, tax_minor, total_minor from invoices where tenant_id = $1`,
        [clinic.id],
      )
    ).rows;
    expect([inv.subtotal_minor, inv.tax_minor, inv.total_minor]).toEqual(['8150', '1316', '9466']);

    const again = await postPairs(desk, checkout, pairs);
    expect(again.status).toBe(409);
    expect(again.text).toContain('ya están en una factura');
    expect(
      (await db(`select count(*)::int as n from invoices where tenant_id = $1`, [clinic.id]))
        .rows[0].n,
    ).toBe(1);

    expect((await desk.post(`/c/${clinic.slug}/invoices/${inv.id}/discard`, {})).status).toBe(409);
    expect((await desk.post(`/c/${clinic.slug}/invoices/${inv.id}/issue`, {})).status).toBe(409);
    // The app's database role cannot rewrite what an issued invoice says.
    const { rows: grants } = await db(
      `select has_column_privilege('vetlane_app', 'invoices', 'client_id', 'UPDATE') as client,
              has_table_privilege('vetlane_app', 'invoice_lines', 'UPDATE') as lines,
              has_table_privilege('vetlane_app', 'invoice_lines', 'DELETE') as drop_lines`,
      [],
    );
    expect(grants).toEqual([{ client: false, lines: false, drop_lines: false }]);
    // The database holds it too: the app's role cannot change an issued invoice.
    const asApp = new pg.Client({ connectionString: runtimeDirectUrl() });
    await asApp.connect();
    try {
      await asApp.query('begin');
      await asApp.query(`select set_config('app.tenant_id', $1, true)`, [clinic.id]);
      const changed = await asApp.query(`update invoices set total_minor = 1 where id = $1`, [
        inv.id,
      ]);
      await asApp.query('commit');
      expect(changed.rowCount).toBe(0);
    } finally {
      await asApp.end();
    }
    const { rows } = await db(`select total_minor from invoices where id = $1`, [inv.id]);
    expect(Number(rows[0].total_minor)).not.toBe(1);
  });

  it('takes a partial card payment, refuses more than is owed unless kept as credit, and records a re-sent form once', async () => {
    const pet = clinic.pets[0];
    const [inv] = (
      await db(`select id from invoices where tenant_id = $1 and client_id = $2`, [
        clinic.id,
        pet.clientId,
      ])
    ).rows;
    const page = `/c/${clinic.slug}/invoices/${inv.id}`;
    const key = formKey((await desk.get(page)).text);
    const pay = (fields: Record<string, string>) =>
      desk.post(`${page}/payments`, { method: 'card', ...fields });

    const first = await pay({ amount: '50', formKey: key });
    expect(first.status).toBe(303);
    const twice = await pay({ amount: '50', formKey: key });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('ya estaba registrado');
    expect((await pay({ amount: '12.345', formKey: formKey(twice.text) })).status).toBe(400);
    const over = await pay({ amount: '50', formKey: formKey(twice.text) });
    expect(over.status).toBe(422);
    const payments = await db(`select amount_minor from payments where tenant_id = $1`, [
      clinic.id,
    ]);
    expect(payments.rows).toEqual([{ amount_minor: '5000' }]);

    const account = await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    expect(account.text).toContain('Debe 44,66\u00a0€');
    expect((await pay({ amount: '50', asCredit: 'on', formKey: formKey(over.text) })).status).toBe(
      303,
    );
    const credit = await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    expect(credit.text).toContain('Saldo a favor: 5,34\u00a0€');
    const refund = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/payments`, {
      amount: '6',
      method: 'cash',
      kind: 'refund',
      formKey: formKey(credit.text),
    });
    expect(refund.status).toBe(422);
  });

  it('corrects an issued invoice with one credit note that references it, numbered in its own series', async () => {
    const pet = clinic.pets[1];
    await createCharge(clinic, { pet, itemId: vaccineItem });
    const [charge] = (
      await db(`select id from charges where tenant_id = $1 and client_id = $2`, [
        clinic.id,
        pet.clientId,
      ])
    ).rows;
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    const res = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, {
      chargeIds: charge.id,
      action: 'issue',
    });
    const invoiceId = res.location!.split('/').pop()!;
    await desk.get(res.location!);
    const credited = await desk.post(`/c/${clinic.slug}/invoices/${invoiceId}/credit`, {});
    expect(credited.status).toBe(303);
    const note = await desk.get(credited.location!);
    expect(note.text).toContain('CN-000001');
    expect(note.text).toContain('-22,00\u00a0€');
    expect((await desk.post(`/c/${clinic.slug}/invoices/${invoiceId}/credit`, {})).status).toBe(
      409,
    );
    const { rows } = await db(
      `select number, total_minor from invoices where tenant_id = $1 and credits_invoice_id = $2`,
      [clinic.id, invoiceId],
    );
    expect(rows).toEqual([{ number: 1, total_minor: '-2200' }]);
  });

  it('lets a draft be edited and discarded, the charges open again', async () => {
    const pet = clinic.pets[2];
    const a = await createCharge(clinic, { pet, itemId: vaccineItem });
    const b = await createCharge(clinic, { pet, itemId: consultItem });
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    const res = await postPairs(desk, `/c/${clinic.slug}/clients/${pet.clientId}/checkout`, [
      ['chargeIds', a],
      ['chargeIds', b],
      ['action', 'draft'],
    ]);
    const draft = res.location!;
    expect((await desk.get(draft)).text).toContain('(borrador)');
    expect((await desk.post(`${draft}/charges/${a}/remove`, {})).status).toBe(303);
    expect((await desk.post(`${draft}/discard`, {})).status).toBe(303);
    const { rows } = await db(
      `select invoice_id from charges where tenant_id = $1 and id = any($2::uuid[])`,
      [clinic.id, [a, b]],
    );
    expect(rows).toEqual([{ invoice_id: null }, { invoice_id: null }]);
    expect((await desk.get(draft)).status).toBe(404);
  });

  it('marks a client who owes money on the calendar block, the appointment and the pet page, until paid', async () => {
    const pet = clinic.pets[3];
    const visit = await book(clinic, { pet, startsAt: new Date('2031-03-04T10:00:00Z') });
    const block = async () =>
      new RegExp(`data-id="${visit}"[\\s\\S]*?</a>`).exec(
        (await desk.get(`/c/${clinic.slug}/calendar?date=2031-03-04`)).text,
      )![0];
    const marked = async () => ({
      block: (await block()).includes('data-testid="owes"'),
      pet: (await desk.get(`/c/${clinic.slug}/pets/${pet.id}`)).text.includes('data-testid="owes"'),
      visit: (await desk.get(`/c/${clinic.slug}/appointments/${visit}`)).text.includes(
        'data-testid="owes"',
      ),
    });
    expect(await marked()).toEqual({ block: false, pet: false, visit: false });
    const charge = await createCharge(clinic, { pet, itemId: vaccineItem, appointmentId: visit });
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/account`);
    const res = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, {
      chargeIds: charge,
    });
    expect(res.status).toBe(303);
    expect(await marked()).toEqual({ block: true, pet: true, visit: true });
    const invoice = await desk.get(res.location!);
    const paid = await desk.post(`${res.location!}/payments`, {
      amount: '22',
      method: 'cash',
      formKey: formKey(invoice.text),
    });
    expect(paid.status).toBe(303);
    expect(await marked()).toEqual({ block: false, pet: false, visit: false });
  });
});
