import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, createUser, type TestClinic, type TestUser } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import pg from 'pg';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/** The stable code of a refused form's alert (views/partials/form-alert.hbs). */
const alertCode = (html: string) => /role="alert"[^>]*data-code="([^"]*)"/.exec(html)?.[1];

describe('a vet who works at two clinics', () => {
  const t = sharedApp();
  let a: TestClinic;
  let b: TestClinic;
  let vet: TestUser;
  let deskA: WebClient;
  let deskB: WebClient;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      createClinic({ timeZone: 'Europe/Madrid', pets: 10 }),
      createClinic({ timeZone: 'Atlantic/Canary', pets: 10 }),
    ]);
    // One person, one staff row in each clinic.
    vet = await createUser({
      name: 'Roving Vet',
      worksAt: [
        { clinic: a, role: 'vet' },
        { clinic: b, role: 'vet' },
      ],
    });
    deskA = new WebClient(t.url);
    deskB = new WebClient(t.url);
    await Promise.all([deskA.signIn(a.frontdesk.email), deskB.signIn(b.frontdesk.email)]);
    await Promise.all([
      deskA.get(`/c/${a.slug}/appointments/new`),
      deskB.get(`/c/${b.slug}/appointments/new`),
    ]);
  });

  const bookA = (pet: number, date: string, time: string) =>
    deskA.post(`/c/${a.slug}/appointments`, {
      petId: a.pets[pet].id,
      staffId: vet.staffAt[a.id],
      typeId: a.consult,
      date,
      time,
    });
  const bookB = (pet: number, date: string, time: string) =>
    deskB.post(`/c/${b.slug}/appointments`, {
      petId: b.pets[pet].id,
      staffId: vet.staffAt[b.id],
      typeId: b.consult,
      date,
      time,
    });

  it('cannot be booked at the second clinic while busy at the first, and the message tells nothing more', async () => {
    expect((await bookA(0, '2031-03-04', '10:00')).status).toBe(303);
    // Canary time is one hour behind Madrid: 09:10 there is 10:10 in Madrid.
    const refused = await bookB(0, '2031-03-04', '09:10');
    expect(refused.status).toBe(409);
    expect(alertCode(refused.text)).toBe('vet_busy_elsewhere');
    expect(refused.text).toContain('This vet is booked at another clinic at that time.');
    expect(refused.text).not.toContain(a.pets[0].name);
    expect((await bookB(0, '2031-03-04', '09:20')).status).toBe(303);
  });

  it('frees the time at the other clinic when the first appointment is cancelled', async () => {
    const first = await bookA(1, '2031-03-05', '12:00');
    const id = /appointments\/([0-9a-f-]{36})/.exec(first.location!)![1];
    expect((await bookB(1, '2031-03-05', '11:00')).status).toBe(409);
    await deskA.get(`/c/${a.slug}/appointments/${id}`);
    expect(
      (
        await deskA.post(`/c/${a.slug}/appointments/${id}/status`, {
          to: 'cancelled',
          cancelReason: 'Owner away',
        })
      ).status,
    ).toBe(303);
    expect((await bookB(1, '2031-03-05', '11:00')).status).toBe(303);
  });

  it('holds under concurrent bookings at both clinics: exactly one wins', async () => {
    const attempts = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? bookA(i % 10, '2031-03-06', `10:${String((i % 3) * 5).padStart(2, '0')}`)
        : bookB(i % 10, '2031-03-06', `09:${String((i % 3) * 5).padStart(2, '0')}`),
    );
    const answers = await Promise.all(attempts);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(39);
    // The per-user lock serialises the two clinics: the winner's clinic-mates see the clash in
    // their own calendar, every attempt at the other clinic is told the vet is busy elsewhere
    // (never a deadlock passed off as a generic conflict).
    const winnerAtA = answers.findIndex((r) => r.status === 303) % 2 === 0;
    const codes = answers.map((r, i) =>
      r.status === 303 ? 'booked' : { clinic: i % 2 === 0 ? 'a' : 'b', code: alertCode(r.text) },
    );
    const other = winnerAtA ? 'b' : 'a';
    const same = winnerAtA ? 'a' : 'b';
    for (const c of codes.filter((c) => c !== 'booked'))
      expect(c).toEqual(
        c.clinic === other
          ? { clinic: other, code: 'vet_busy_elsewhere' }
          : { clinic: same, code: 'appointment_conflict' },
      );
    const { rows } = await adminQuery(
      superuserUrl(),
      `select count(*)::int as n from appointments where tenant_id = any($1) and starts_at::date = '2031-03-06' and status = 'booked'`,
      [[a.id, b.id]],
    );
    expect(rows[0].n).toBe(1);
  });

  it("sees only its own clinic's share of the shared time line", async () => {
    const web = new WebClient(t.url);
    await web.signIn(vet.email);
    expect((await web.get(`/c/${b.slug}/calendar?date=2031-03-04`)).text).toContain(b.pets[0].name);
    const { rows } = await adminQuery(
      superuserUrl(),
      'select count(*)::int as n from staff_bookings where tenant_id = any($1)',
      [[a.id, b.id]],
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(3);
  });
  it("takes the vet's cross-clinic lock before writing a booking", async () => {
    // Hold the vet's per-user lock from outside: a booking at either clinic must queue behind it.
    const holder = new pg.Client({ connectionString: superuserUrl() });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [`user/${vet.id}`]);
      const { rows } = await holder.query<{ classid: number; objid: number }>(
        `select classid, objid from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'`,
      );
      let settled = false;
      const booking = bookB(2, '2031-03-07', '10:00').finally(() => (settled = true));
      let waiting = false;
      for (let i = 0; i < 200 && !waiting && !settled; i++) {
        const w = await holder.query(
          `select 1 from pg_locks where locktype = 'advisory' and not granted and classid = $1 and objid = $2`,
          [rows[0].classid, rows[0].objid],
        );
        waiting = w.rowCount === 1;
        if (!waiting) await new Promise((r) => setTimeout(r, 50));
      }
      expect({ waiting, settled }).toEqual({ waiting: true, settled: false });
      await holder.query('select pg_advisory_unlock_all()');
      expect((await booking).status).toBe(303);
    } finally {
      await holder.end();
    }
  });
});
