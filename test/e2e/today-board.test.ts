import { beforeAll, describe, expect, it } from '@jest/globals';
import { book, createClinic, EVERY_DAY, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/** The board's rows as [pet, stage, late?] in the order shown. */
function rows(html: string) {
  return [
    ...html.matchAll(/<tr data-id="([^"]+)" data-stage="(\w+)" class="[^"]*?( late)?">/g),
  ].map((m) => ({ id: m[1], stage: m[2], late: Boolean(m[3]) }));
}

describe('the today board at the front desk', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  const ids: Record<string, string> = {};
  const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

  beforeAll(async () => {
    // A zone where it is around noon now, so the bookings below fall on the board's today.
    const offset = 12 - new Date().getUTCHours();
    const timeZone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    clinic = await createClinic({ timeZone, hours: EVERY_DAY('00:00', '24:00'), pets: 4 });
    ids.late = await book(clinic, { startsAt: minutesFromNow(-40), pet: clinic.pets[0] });
    ids.soon = await book(clinic, {
      startsAt: minutesFromNow(60),
      pet: clinic.pets[1],
      staffId: clinic.vets[1].id,
    });
    ids.cancelled = await book(clinic, {
      startsAt: minutesFromNow(90),
      pet: clinic.pets[2],
      status: 'cancelled',
    });
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
  });

  const board = () => desk.get(`/c/${clinic.slug}/today`);
  const click = (id: string, action: string) =>
    desk.post(`/c/${clinic.slug}/today/${id}/${action}`, {});

  it('lists the day in time order with status, marks a booking past the grace period as late', async () => {
    const page = await board();
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Today');
    const shown = rows(page.text);
    expect(shown.map((r) => r.id)).toEqual([ids.late, ids.soon]); // cancelled left out
    expect(shown.map((r) => [r.stage, r.late])).toEqual([
      ['booked', true],
      ['booked', false],
    ]);
    expect(page.text).toContain('Late: no-show?');
  });

  it('walks a patient through arrived → in consult → ready to go → done in one click each, with waiting time', async () => {
    await board();
    expect((await click(ids.soon, 'arrive')).status).toBe(303);
    let page = await board();
    expect(rows(page.text).find((r) => r.id === ids.soon)?.stage).toBe('arrived');
    expect(page.text).toMatch(/data-testid="waiting">0 min</);
    await adminQuery(
      superuserUrl(),
      `update appointments set checked_in_at = now() - interval '12 minutes' where id = $1`,
      [ids.soon],
    );
    page = await board();
    expect(page.text).toMatch(/data-testid="waiting">12 min</);
    for (const [action, stage] of [
      ['consult', 'inConsult'],
      ['finish', 'readyToGo'],
      ['checkOut', 'done'],
    ]) {
      expect((await click(ids.soon, action)).status).toBe(303);
      expect(rows((await board()).text).find((r) => r.id === ids.soon)?.stage).toBe(stage);
    }
    const refused = await click(ids.soon, 'checkOut');
    expect(refused.status).toBe(409);
  });

  it('marks the late booking a no-show in one click, and refuses unknown actions', async () => {
    await board();
    expect((await click(ids.late, 'noShow')).status).toBe(303);
    expect(rows((await board()).text).map((r) => r.id)).not.toContain(ids.late);
    expect((await click(ids.soon, 'teleport')).status).toBe(404);
  });

  it('is in Spanish for a Spanish clinic ("Hoy")', async () => {
    const es = await createClinic({ locale: 'es', pets: 1 });
    const web = new WebClient(t.url);
    await web.signIn(es.frontdesk.email);
    const page = await web.get(`/c/${es.slug}/today`);
    expect(page.text).toContain('<h1>Hoy');
    expect(page.text).toContain('No hay citas hoy.');
  });
});
