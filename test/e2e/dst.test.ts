import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { startTestApp, type TestApp } from '../harness/app.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
  weekday,
  opens: '00:00',
  closes: '24:00',
}));

async function bookedInstants(clinic: TestClinic, petId: string) {
  const { rows } = await adminQuery(
    superuserUrl(),
    `select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as s, to_char(ends_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as e
       from appointments where tenant_id = $1 and pet_id = $2 order by starts_at`,
    [clinic.id, petId],
  );
  return rows.map((r) => `${r.s}/${r.e}`);
}

const cases = [
  {
    zone: 'Europe/Madrid',
    day: '2026-03-29',
    kind: 'spring',
    rows: 92,
    at13: '2026-03-29T11:00Z',
    across: ['01:30', '90', '2026-03-29T00:30Z/2026-03-29T02:00Z', '01:30–04:00'],
    gap: '02:30',
  },
  {
    zone: 'Europe/Madrid',
    day: '2026-10-25',
    kind: 'autumn',
    rows: 100,
    at13: '2026-10-25T12:00Z',
    across: ['01:30', '120', '2026-10-24T23:30Z/2026-10-25T01:30Z', '01:30–02:30'],
    gap: null,
  },
  {
    zone: 'America/New_York',
    day: '2026-03-08',
    kind: 'spring',
    rows: 92,
    at13: '2026-03-08T17:00Z',
    across: ['01:30', '90', '2026-03-08T06:30Z/2026-03-08T08:00Z', '01:30–04:00'],
    gap: '02:15',
  },
  {
    zone: 'America/New_York',
    day: '2026-11-01',
    kind: 'autumn',
    rows: 100,
    at13: '2026-11-01T18:00Z',
    across: ['01:30', '120', '2026-11-01T05:30Z/2026-11-01T07:30Z', '01:30–02:30'],
    gap: null,
  },
];

describe('DST change days', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  for (const c of cases) {
    describe(`${c.zone} ${c.kind} (${c.day})`, () => {
      let clinic: TestClinic;
      let web: WebClient;
      beforeAll(async () => {
        clinic = await createClinic({ timeZone: c.zone, hours: ALL_DAY, pets: 4 });
        web = new WebClient(t.url);
        await web.signIn(clinic.frontdesk.email);
        await web.get(`/c/${clinic.slug}/appointments/new`);
      });
      const book = (pet: number, time: string, extra: Record<string, string> = {}) =>
        web.post(`/c/${clinic.slug}/appointments`, {
          petId: clinic.pets[pet].id,
          staffId: clinic.vets[pet % 2].id,
          typeId: clinic.consult,
          date: c.day,
          time,
          ...extra,
        });

      it('books 13:00 and 14:30 at the right instants and shows them at 13:00 and 14:30', async () => {
        expect((await book(0, '13:00')).status).toBe(303);
        expect((await book(0, '14:30')).status).toBe(303);
        const [first] = await bookedInstants(clinic, clinic.pets[0].id);
        expect(first.startsWith(c.at13)).toBe(true);
        const day = await web.get(`/c/${clinic.slug}/calendar?date=${c.day}`);
        expect(day.text).toContain(`13:00–13:20 ${clinic.pets[0].name}`);
        expect(day.text).toContain(`14:30–14:50 ${clinic.pets[0].name}`);
        // A day of 23 or 25 hours has 92 or 100 quarter-hour rows, neither lost nor duplicated.
        expect(day.text.match(/class="cal-time/g)).toHaveLength(c.rows);
      });

      it('books across the changed hour with the real length', async () => {
        const [time, minutes, stored, shown] = c.across;
        expect((await book(1, time, { durationMinutes: minutes })).status).toBe(303);
        expect(await bookedInstants(clinic, clinic.pets[1].id)).toEqual([stored]);
        const day = await web.get(`/c/${clinic.slug}/calendar?date=${c.day}`);
        expect(day.text).toContain(`${shown} ${clinic.pets[1].name}`);
      });

      if (c.gap) {
        it('refuses a time the clocks skip, with a message', async () => {
          const res = await book(2, c.gap!);
          expect(res.status).toBe(422);
          expect(res.text).toContain('the clocks skip that hour');
        });
      } else {
        it('books the repeated hour once, at its first occurrence', async () => {
          expect((await book(2, '02:30')).status).toBe(303);
          const day = await web.get(`/c/${clinic.slug}/calendar?date=${c.day}`);
          expect(
            day.text.match(new RegExp(`02:30–02:50 ${clinic.pets[2].name}`, 'g')),
          ).toHaveLength(1);
        });
      }
    });
  }

  it('keeps a weekly series at 10:00 local across the spring change', async () => {
    const clinic = await createClinic({ timeZone: 'Europe/Madrid', hours: ALL_DAY });
    const web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
    await web.get(`/c/${clinic.slug}/appointments/new`);
    const res = await web.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2026-03-24',
      time: '10:00',
      repeatCount: '2',
      repeatEvery: '1',
      repeatUnit: 'weeks',
    });
    expect(res.status).toBe(303);
    expect(await bookedInstants(clinic, clinic.pets[0].id)).toEqual([
      '2026-03-24T09:00Z/2026-03-24T09:20Z',
      '2026-03-31T08:00Z/2026-03-31T08:20Z',
    ]);
  });
});
