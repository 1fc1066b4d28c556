import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, EVERY_DAY, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/**
 * One booking through the pages per DST rule; src/clinic/clinic-time.spec.ts and
 * src/appointment/availability.spec.ts hold the arithmetic for each zone and case.
 */
describe('DST change days at the front desk', () => {
  const t = sharedApp();
  let madrid: TestClinic;
  let newYork: TestClinic;
  const desks = new Map<TestClinic, WebClient>();

  beforeAll(async () => {
    [madrid, newYork] = await Promise.all(
      ['Europe/Madrid', 'America/New_York'].map((timeZone) =>
        createClinic({ timeZone, hours: EVERY_DAY('00:00', '24:00'), pets: 4 }),
      ),
    );
    for (const clinic of [madrid, newYork]) {
      const web = new WebClient(t.url);
      await web.signIn(clinic.frontdesk.email);
      await web.get(`/c/${clinic.slug}/appointments/new`);
      desks.set(clinic, web);
    }
  });

  const book = (clinic: TestClinic, pet: number, fields: Record<string, string>) =>
    desks.get(clinic)!.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[pet].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      confirmPast: 'on', // the change days of 2026 have passed: booking them is asked for
      ...fields,
    });
  const dayView = (clinic: TestClinic, date: string) =>
    desks.get(clinic)!.get(`/c/${clinic.slug}/calendar?date=${date}`);

  async function bookedInstants(clinic: TestClinic, pet: number) {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as s
         from appointments where tenant_id = $1 and pet_id = $2 order by starts_at`,
      [clinic.id, clinic.pets[pet].id],
    );
    return rows.map((r) => r.s);
  }

  it('runs the day from local midnight to local midnight: 92 quarter-hours on the spring change, bookings at their local time', async () => {
    expect((await book(madrid, 0, { date: '2026-03-29', time: '13:00' })).status).toBe(303);
    expect(await bookedInstants(madrid, 0)).toEqual(['2026-03-29T11:00Z']);
    const day = await dayView(madrid, '2026-03-29');
    expect(day.text).toMatch(new RegExp(`1:00\\sPM–1:20\\sPM ${madrid.pets[0].name}`));
    expect(day.text.match(/class="cal-time/g)).toHaveLength(92);
  });

  it('refuses a time the clocks skip, with a message', async () => {
    const res = await book(newYork, 1, { date: '2026-03-08', time: '02:15' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('the clocks skip that hour');
    // In the page's formats, as the form shows times and dates (not "02:15" and "2026-03-08").
    expect(res.text).toMatch(/2:15\sAM does not exist on Mar 8, 2026/);
    expect(await bookedInstants(newYork, 1)).toEqual([]);
  });

  it('books a time the clocks repeat once, at its first occurrence', async () => {
    expect((await book(newYork, 2, { date: '2026-11-01', time: '01:30' })).status).toBe(303);
    expect(await bookedInstants(newYork, 2)).toEqual(['2026-11-01T05:30Z']);
    const day = await dayView(newYork, '2026-11-01');
    expect(
      day.text.match(new RegExp(`1:30\\sAM–1:50\\sAM ${newYork.pets[2].name}`, 'g')),
    ).toHaveLength(1);
    expect(day.text.match(/class="cal-time/g)).toHaveLength(100);
  });

  it('keeps a weekly series at 10:00 local across the spring change', async () => {
    const res = await book(madrid, 3, {
      date: '2026-03-24',
      time: '10:00',
      repeatCount: '2',
      repeatEvery: '1',
      repeatUnit: 'weeks',
    });
    expect(res.status).toBe(303);
    expect(await bookedInstants(madrid, 3)).toEqual(['2026-03-24T09:00Z', '2026-03-31T08:00Z']);
  });
});
