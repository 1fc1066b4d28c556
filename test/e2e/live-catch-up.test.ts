import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../harness/app.js';
import { launchBrowser, signInPage } from '../harness/browser.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { type Restartable, startRestartableRedis } from '../harness/fault-services.js';
import { WebClient } from '../harness/http.js';

const DAY = '2034-06-01';

/**
 * Two processes share live events through a Redis of this test's own. Events are numbered
 * per clinic in the database, so the numbers run on across processes; bookings made on one
 * process while Redis is down reach the other's open calendar once Redis is back.
 */
describe('live calendars after a Redis outage', () => {
  let redis: Restartable;
  let a: TestApp;
  let b: TestApp;
  let clinic: TestClinic;
  let token: string;
  let socket: Socket;
  let browser: Browser;

  const bookOn = (app: TestApp, pet: number, time: string) =>
    fetch(`${app.url}/api/v1/appointments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        petId: clinic.pets[pet].id,
        staffId: clinic.vets[0].id,
        typeId: clinic.consult,
        date: DAY,
        time,
      }),
    });

  beforeAll(async () => {
    redis = await startRestartableRedis({ persistent: true });
    const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}` };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    clinic = await createClinic({ vets: 1 });
    const manager = new WebClient(a.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'kiosk' });
    const tokens = await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    token = /data-testid="new-token">([^<]+)</.exec(tokens.text)![1];

    const desk = new WebClient(b.url);
    await desk.signIn(clinic.frontdesk.email);
    socket = io(b.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: `vetlane.sid=${desk.cookie('vetlane.sid')}` },
      forceNew: true,
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    expect(await socket.timeout(10_000).emitWithAck('join', { clinic: clinic.slug })).toEqual({
      ok: true,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    socket?.disconnect();
    await browser?.close();
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  it('numbers a clinic’s events in one series across both processes', async () => {
    const seqs: number[] = [];
    socket.on('appointment', (event: { seq: number }) => seqs.push(event.seq));
    for (const [app, pet, time] of [
      [a, 0, '08:00'],
      [b, 1, '08:30'],
      [a, 2, '12:00'],
    ] as const)
      expect((await bookOn(app, pet, time)).status).toBe(201);
    for (let waited = 0; seqs.length < 3 && waited < 30_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    socket.off('appointment');
    expect(seqs).toHaveLength(3);
    const [first] = seqs.sort((x, y) => x - y);
    expect(seqs).toEqual([first, first + 1, first + 2]);
  });

  it('shows bookings made on the other process while Redis was down once Redis is back', async () => {
    const page = await browser.newPage();
    await signInPage(page, b.url, clinic.frontdesk.email);
    await page.goto(`${b.url}/c/${clinic.slug}/calendar?date=${DAY}`);
    await page.waitForFunction(
      () => document.getElementById('calendar-live')?.dataset.live === 'on',
    );
    const shown = (pet: number) =>
      page.locator('#calendar-live .cal-appt', { hasText: clinic.pets[pet].name });
    expect(await shown(0).count()).toBe(1); // 08:00, booked above

    await redis.stop();
    expect((await bookOn(a, 0, '09:00')).status).toBe(201);
    expect((await bookOn(a, 1, '10:00')).status).toBe(201);

    await redis.start();
    const back = Date.now();
    await page.waitForFunction(
      (names) => {
        const blocks = Array.from(document.querySelectorAll('#calendar-live .cal-appt'));
        return names.every(
          (name) => blocks.filter((el) => el.textContent?.includes(name)).length >= 2,
        );
      },
      [clinic.pets[0].name, clinic.pets[1].name],
      { timeout: 60_000 },
    );
    process.stdout.write(
      `bookings made on A during the outage shown on B's calendar ${Date.now() - back} ms after Redis came back\n`,
    );
    expect(await shown(0).count()).toBe(2); // 08:00 and 09:00
    expect(await shown(1).count()).toBe(2); // 08:30 and 10:00
    await page.close();
  }, 180_000);
});
