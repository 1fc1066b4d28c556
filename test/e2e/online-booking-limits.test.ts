import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import {
  dayAhead,
  openOnlineBooking,
  ownerForm,
  slotValue,
  visitor,
} from '../harness/online-booking.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';
import { HoldSweeper } from '../../src/online-booking/hold-sweeper.js';

/** A form post from a given client address (the app trusts X-Forwarded-For here). */
function postFrom(web: WebClient, ip: string, path: string, fields: Record<string, string>) {
  const body = new URLSearchParams({ ...fields, _csrf: web.csrf ?? '' });
  return web.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
  });
}

describe('online booking limits per address and per clinic', () => {
  let app: TestApp;
  let clinic: TestClinic;
  beforeAll(async () => {
    app = await startTestApp({
      TRUST_PROXY: 'true',
      ONLINE_BOOKING_REQUESTS_PER_ADDRESS: '2',
      ONLINE_BOOKING_REQUESTS_PER_CLINIC: '3',
      ...ownRedisPrefix('online-limits'),
    });
    clinic = await createClinic();
    await openOnlineBooking(clinic);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a third request from one address, then a fourth for the clinic from anywhere', async () => {
    const date = dayAhead(clinic, 5);
    const { web } = await visitor(app.url, clinic, date);
    const attempt = (ip: string, time: string) =>
      postFrom(
        web,
        ip,
        `/book/${clinic.slug}`,
        ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, time)),
      );
    expect((await attempt('203.0.113.7', '09:00')).status).toBe(303);
    expect((await attempt('203.0.113.7', '09:30')).status).toBe(303);
    const third = await attempt('203.0.113.7', '10:00');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.text).toContain('Too many booking requests');

    expect((await attempt('198.51.100.1', '10:30')).status).toBe(303);
    const clinicFull = await attempt('198.51.100.2', '11:00');
    expect(clinicFull.status).toBe(429);
    const [{ n }] = (
      await adminQuery(
        superuserUrl(),
        'select count(*)::int as n from online_bookings where tenant_id = $1',
        [clinic.id],
      )
    ).rows;
    expect(n).toBe(3);
  });

  it('sweeps expired holds of every clinic that books online, without anyone opening its page', async () => {
    await adminQuery(
      superuserUrl(),
      `update online_bookings set hold_expires_at = now() - interval '1 second' where tenant_id = $1`,
      [clinic.id],
    );
    expect(await app.app.get(HoldSweeper).sweep()).toBeGreaterThanOrEqual(3);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select status, count(*)::int as n from online_bookings where tenant_id = $1 group by status`,
      [clinic.id],
    );
    expect(rows).toEqual([{ status: 'expired', n: 3 }]);
  });
});

describe('an owner online and the front desk racing for the same time', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  beforeAll(async () => {
    clinic = await createClinic({ pets: 10 });
    await openOnlineBooking(clinic);
  });

  it('lets exactly one of twenty win, whichever door it came through', async () => {
    const date = dayAhead(clinic, 9);
    const desks = await Promise.all(
      [0, 1].map(async () => {
        const web = new WebClient(t.url);
        await web.signIn(clinic.frontdesk.email);
        await web.get(`/c/${clinic.slug}/appointments/new`);
        return web;
      }),
    );
    const owners = await Promise.all(
      [0, 1, 2, 3].map(async () => (await visitor(t.url, clinic, date)).web),
    );
    // Every attempt overlaps every other: starts 10:00–10:15, all 20 minutes long.
    const time = (i: number) => `10:${String((i % 4) * 5).padStart(2, '0')}`;
    const attempts = Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? owners[i % owners.length].post(
            `/book/${clinic.slug}`,
            ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, time(i))),
          )
        : desks[i % desks.length].post(`/c/${clinic.slug}/appointments`, {
            petId: clinic.pets[i % clinic.pets.length].id,
            staffId: clinic.vets[0].id,
            typeId: clinic.consult,
            date,
            time: time(i),
          }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select count(*)::int as n from appointments where tenant_id = $1 and staff_id = $2 and status = 'booked'`,
      [clinic.id, clinic.vets[0].id],
    );
    expect(rows[0].n).toBe(1);
    // No owner or pet is left behind by a request that lost.
    const orphans = await adminQuery(
      superuserUrl(),
      `select count(*)::int as n from clients where tenant_id = $1 and last_name = 'Online'`,
      [clinic.id],
    );
    expect(orphans.rows[0].n).toBeLessThanOrEqual(1);
  });

  it('keeps a time held online away from the front desk', async () => {
    const date = dayAhead(clinic, 10);
    const { web } = await visitor(t.url, clinic, date);
    const held = await web.post(
      `/book/${clinic.slug}`,
      ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '12:00')),
    );
    expect(held.status).toBe(303);
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const res = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date,
      time: '12:10',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('already has Coco');
  });
});
