import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../harness/app.js';
import { holdBookingLock } from '../harness/booking-lock.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One process with room for two requests at once and one in the queue, while the vet's
 * booking lock is held elsewhere so its bookings cannot finish: the next request is refused at
 * once, probes still answer, and the bookings that outlive their deadline commit nothing.
 */
describe('a process at its limit', () => {
  let app: TestApp;
  let clinic: TestClinic;
  beforeAll(async () => {
    app = await startTestApp({
      DATABASE_POOL_SIZE: '2',
      ADMISSION_MAX_IN_FLIGHT: '2',
      ADMISSION_QUEUE: '1',
      ADMISSION_QUEUE_WAIT_MS: '300000',
      REQUEST_DEADLINE_SECONDS: '2',
      METRICS_TOKEN: 'overload-metrics-token',
    });
    clinic = await createClinic({ vets: 1 });
  });
  afterAll(() => app.close());

  it('sheds what it cannot take, stays ready (degraded), and commits nothing past a deadline', async () => {
    const web = new WebClient(app.url);
    await web.signIn(clinic.frontdesk.email);
    await web.get(`/c/${clinic.slug}/appointments/new`);
    const lock = await holdBookingLock(clinic);
    const book = (time: string) =>
      web.post(`/c/${clinic.slug}/appointments`, {
        petId: clinic.pets[0].id,
        staffId: clinic.vets[0].id,
        typeId: clinic.consult,
        date: '2033-04-01',
        time,
      });

    const inFlight = [book('09:00'), book('10:00')];
    while ((await lock.waiting()) < 1) await sleep(50);
    const queued = book('11:00');
    await sleep(200); // let it reach the queue
    const refused = await book('12:00');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.text).toContain('data-code="overloaded"');
    const metrics = await fetch(`${app.url}/metrics`, {
      headers: { authorization: 'Bearer overload-metrics-token' },
    });
    expect(await metrics.text()).toMatch(/^vetlane_overload_refusals_total [1-9]/m);

    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      info: { database: { status: 'up' } },
    });

    await sleep(2500); // past the two in flight's deadline
    await lock.release();
    const late = await Promise.all(inFlight);
    expect(late.map((r) => r.status)).toEqual([503, 503]);
    expect(late[0].text).toContain('data-code="overloaded"');
    expect([303, 503]).toContain((await queued).status);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select to_char(starts_at at time zone 'Europe/Madrid', 'HH24:MI') as t from appointments where tenant_id = $1`,
      [clinic.id],
    );
    expect(rows.map((r: { t: string }) => r.t)).not.toContain('09:00');
    expect(rows.map((r: { t: string }) => r.t)).not.toContain('10:00');
  });
});
