import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  createCharge,
  createClinic,
  createPriceItem,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('fifty front desks checking out at once', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let charges: string[];

  beforeAll(async () => {
    clinic = await createClinic({ pets: 50 });
    const item = await createPriceItem(clinic, { code: 'CONS', priceMinor: 4000 });
    charges = await Promise.all(
      clinic.pets.map((pet) => createCharge(clinic, { pet, itemId: item })),
    );
  });

  it('numbers the fifty invoices 1 to 50 through pgBouncer, with no gap and no duplicate', async () => {
    const desks = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => {
        const web = new WebClient(t.url);
        await web.signIn(clinic.frontdesk.email);
        await web.get(`/c/${clinic.slug}/clients/${clinic.pets[0].clientId}/account`);
        return web;
      }),
    );
    // One doomed checkout among them (another client's charge) must not use up a number.
    const attempts = clinic.pets.map((pet, i) =>
      desks[i % desks.length].post(`/c/${clinic.slug}/clients/${pet.clientId}/checkout`, {
        chargeIds: charges[i],
        action: 'issue',
      }),
    );
    const doomed = desks[0].post(`/c/${clinic.slug}/clients/${clinic.pets[0].clientId}/checkout`, {
      chargeIds: charges[1],
      action: 'issue',
    });
    const results = await Promise.all([...attempts, doomed]);
    expect(results.slice(0, 50).map((r) => r.status)).toEqual(Array(50).fill(303));
    expect(results[50].status).toBe(409);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select number from invoices where tenant_id = $1 and status = 'issued' order by number`,
      [clinic.id],
    );
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const counter = await adminQuery(
      superuserUrl(),
      `select last_number from invoice_counters where tenant_id = $1 and series = 'INV'`,
      [clinic.id],
    );
    expect(counter.rows).toEqual([{ last_number: 50 }]);
  });
});
