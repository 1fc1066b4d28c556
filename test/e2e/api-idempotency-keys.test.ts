import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { book, createClinic, createPriceItem, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const count = async (sql: string, params: unknown[]) =>
  (await adminQuery(superuserUrl(), sql, params)).rows[0].n as number;

/**
 * A script that retries a POST (a time-out, a dropped connection) sends the same
 * Idempotency-Key: every create endpoint of the API answers the repeat with its first answer
 * and creates nothing more, and refuses the key sent with a different request.
 */
describe('Idempotency-Key on every POST of the JSON API', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let token: string;
  let item: string;

  const post = async (path: string, key: string, body: unknown) => {
    const res = await fetch(`${t.url}/api/v1/${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  /** The same request twice at once, again later, then the key with another body. */
  const retried = async (path: string, body: unknown, otherBody: unknown) => {
    const key = `retry-${randomUUID()}`;
    const [first, concurrent] = await Promise.all([post(path, key, body), post(path, key, body)]);
    const later = await post(path, key, body);
    const reused = await post(path, key, otherBody);
    return { first, concurrent, later, reused };
  };

  const expectOneAnswer = (r: Awaited<ReturnType<typeof retried>>, status: number) => {
    expect(r.first.status).toBe(status);
    expect(r.concurrent).toEqual(r.first);
    expect(r.later).toEqual(r.first);
    expect(r.reused.status).toBe(422);
    expect(r.reused.json).toMatchObject({ error: { code: 'idempotency_key_reused' } });
  };

  beforeAll(async () => {
    clinic = await createClinic({ vets: 1 });
    item = await createPriceItem(clinic, { code: 'VAC', priceMinor: 3000 });
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'retrying script' });
    const page = await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    token = /data-testid="new-token">([^<]+)</.exec(page.text)![1];
  });

  it('creates one client', async () => {
    const lastName = `Key${clinic.slug}`;
    const r = await retried(
      'clients',
      { firstName: 'Ane', lastName },
      { firstName: 'Ane', lastName: `${lastName}x` },
    );
    expectOneAnswer(r, 201);
    expect(
      await count(
        'select count(*)::int as n from clients where tenant_id = $1 and last_name like $2',
        [clinic.id, `${lastName}%`],
      ),
    ).toBe(1);
  });

  it('creates one pet', async () => {
    const clientId = clinic.pets[0].clientId;
    const r = await retried(
      'pets',
      { clientId, name: 'Txuri', species: 'cat' },
      { clientId, name: 'Beltz', species: 'cat' },
    );
    expectOneAnswer(r, 201);
    expect(
      await count(
        `select count(*)::int as n from pets where tenant_id = $1 and name in ('Txuri', 'Beltz')`,
        [clinic.id],
      ),
    ).toBe(1);
  });

  it('books one appointment', async () => {
    const booking = {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2034-07-03',
      time: '10:00',
    };
    const r = await retried('appointments', booking, { ...booking, time: '11:00' });
    expectOneAnswer(r, 201);
    expect(
      await count('select count(*)::int as n from appointments where tenant_id = $1', [clinic.id]),
    ).toBe(1);
  });

  it('changes a status once', async () => {
    const id = await book(clinic, {
      startsAt: new Date('2034-07-04T09:00:00Z'),
      pet: clinic.pets[1],
    });
    const r = await retried(
      `appointments/${id}/status`,
      { to: 'confirmed' },
      { to: 'cancelled', cancelReason: 'owner called' },
    );
    expectOneAnswer(r, 200);
    expect(
      await count(
        `select count(*)::int as n from audit_events where tenant_id = $1 and entity_id = $2 and action = 'appointment.confirmed'`,
        [clinic.id, id],
      ),
    ).toBe(1);
  });

  it('adds one charge', async () => {
    const pet = clinic.pets[1];
    const r = await retried(
      'charges',
      { petId: pet.id, itemId: item, quantity: '1' },
      { petId: pet.id, itemId: item, quantity: '2' },
    );
    expectOneAnswer(r, 201);
    expect(
      await count('select count(*)::int as n from charges where tenant_id = $1 and pet_id = $2', [
        clinic.id,
        pet.id,
      ]),
    ).toBe(1);
  });

  it('records one payment', async () => {
    const clientId = clinic.pets[0].clientId;
    const payment = { clientId, amount: '12.50', method: 'cash', asCredit: true };
    const r = await retried('payments', payment, { ...payment, amount: '13.00' });
    expectOneAnswer(r, 201);
    expect(
      await count(
        'select count(*)::int as n from payments where tenant_id = $1 and client_id = $2',
        [clinic.id, clientId],
      ),
    ).toBe(1);
  });
});
