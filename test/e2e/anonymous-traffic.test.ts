import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { freePort } from '../harness/services.js';

/** Probes, assets and the sign-in page store nothing until someone signs in. */
describe('anonymous traffic', () => {
  let app: TestApp;
  let redis: Redis;
  let prefix: string;
  let clinic: TestClinic;
  const sessionKeys = () => redis.keys(`${prefix}sess:*`);

  beforeAll(async () => {
    const own = ownRedisPrefix('anon');
    prefix = own.REDIS_PREFIX;
    app = await startTestApp(own);
    redis = new Redis(process.env.REDIS_URL!);
    clinic = await createClinic();
  });
  afterAll(async () => {
    redis.disconnect();
    await app.close();
  });

  it('writes no session for 50 probes, assets and sign-in pages; one at sign-in', async () => {
    const paths = ['/health', '/ready', '/login', '/assets/app.css', '/login?next=%2Fc%2Fx'];
    for (let i = 0; i < 50; i++) {
      const res = await fetch(app.url + paths[i % paths.length], {
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(await sessionKeys()).toHaveLength(0);

    const web = new WebClient(app.url);
    await web.get('/login');
    expect(await sessionKeys()).toHaveLength(0);
    expect(
      (await web.post('/login', { email: clinic.frontdesk.email, password: 'vetlane-demo' }))
        .status,
    ).toBe(303);
    expect(await sessionKeys()).toHaveLength(1);
  });

  it('refuses a sign-in whose token belongs to another visitor or comes without its cookie', async () => {
    const other = new WebClient(app.url);
    await other.get('/login');
    const web = new WebClient(app.url);
    await web.get('/login');
    const form = { email: clinic.frontdesk.email, password: 'vetlane-demo' };
    expect((await web.post('/login', form, { csrf: other.csrf })).status).toBe(403);
    const noCookie = new WebClient(app.url);
    expect((await noCookie.post('/login', form, { csrf: web.csrf })).status).toBe(403);
    expect((await web.post('/login', form)).status).toBe(303);
  });
});

/** Redis is down: liveness and the sign-in page still answer; signing in says why it cannot. */
describe('a Redis outage at the door', () => {
  let app: TestApp;
  let clinic: TestClinic;
  beforeAll(async () => {
    app = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    clinic = await createClinic();
  });
  afterAll(() => app.close());

  it('keeps /health and the sign-in page up, reports the cache on /ready', async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('cache');
    expect((await new WebClient(app.url).get('/login')).status).toBe(200);
  });

  it('counts failed sign-ins in memory and answers a good one with a clear 503', async () => {
    const web = new WebClient(app.url);
    await web.get('/login');
    const wrong = await web.post('/login', { email: clinic.frontdesk.email, password: 'not-it' });
    expect(wrong.status).toBe(401);
    const good = await web.post('/login', {
      email: clinic.frontdesk.email,
      password: 'vetlane-demo',
    });
    expect(good.status).toBe(503);
    expect(good.headers.get('retry-after')).toBe('5');
    expect(good.text).toContain('data-code="cache_unavailable"');
    expect(good.text).toContain('Sessions are not available');
  });
});
