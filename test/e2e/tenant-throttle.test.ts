import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';

describe('per-tenant request limits', () => {
  let t: TestApp;
  let busy: TestClinic;
  let quiet: TestClinic;

  beforeAll(async () => {
    t = await startTestApp({
      TENANT_REQUESTS_PER_MINUTE: 'basic=10,standard=40,enterprise=1000',
      ADMIN_STATS_TTL_SECONDS: '1',
      ...ownRedisPrefix('throttle'),
    });
    busy = await createClinic({ plan: 'basic' });
    quiet = await createClinic({ plan: 'standard' });
  });
  afterAll(() => t.close());

  it("refuses a clinic past its plan's limit with 429, Retry-After and a friendly page, while another clinic carries on", async () => {
    const busyWeb = new WebClient(t.url);
    await busyWeb.signIn(busy.frontdesk.email);
    const quietWeb = new WebClient(t.url);
    await quietWeb.signIn(quiet.frontdesk.email);

    // The busy clinic fires 30 requests at once while the quiet one works normally.
    const [busyResults, quietResults] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => busyWeb.get(`/c/${busy.slug}/clients`))),
      (async () => {
        const out: number[] = [];
        for (let i = 0; i < 15; i++)
          out.push((await quietWeb.get(`/c/${quiet.slug}/clients`)).status);
        return out;
      })(),
    ]);
    const statuses = busyResults.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const refused = busyResults.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.text).toContain('Too many requests');
    expect(quietResults).toEqual(Array(15).fill(200));

    const api = await busyWeb.get(`/c/${busy.slug}/clients`, { accept: 'application/json' });
    expect(api.status).toBe(429);
    expect(JSON.parse(api.text)).toEqual({
      error: expect.objectContaining({ code: 'tenant_throttled' }),
    });
  });

  it('shows the refused requests on the platform admin page', async () => {
    const admin = new WebClient(t.url);
    await admin.signIn('admin@vetlane.test');
    // The clinic was created after the numbers were first cached: they refresh within the 1 s TTL.
    let throttled = NaN;
    for (let tries = 0; tries < 40 && !(throttled >= 20); tries++) {
      if (tries) await new Promise((r) => setTimeout(r, 100));
      const page = await admin.get(`/admin?q=${busy.slug}`);
      const row = page.text.split(`data-tenant="${busy.slug}"`)[1] ?? '';
      throttled = Number(/data-col="throttledToday">(\d+)/.exec(row)?.[1]);
    }
    expect(throttled).toBeGreaterThanOrEqual(20);
  });
});
