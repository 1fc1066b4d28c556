import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../harness/app.js';
import { WebClient } from '../harness/http.js';
import { freePort } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('health and readiness', () => {
  const t = sharedApp();

  it('is live and ready when PostgreSQL (through pgBouncer), Redis and S3 answer', async () => {
    const live = await fetch(`${t.url}/health`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      info: Record<string, { status: string; backend?: string }>;
    };
    expect(body.info.database.status).toBe('up');
    expect(body.info.cache).toMatchObject({ status: 'up', backend: 'redis' });
    expect(body.info.storage.status).toBe('up');
  });

  it('sends security headers and a request id', async () => {
    const res = await fetch(`${t.url}/login`, { headers: { 'x-request-id': 'front-desk-42' } });
    expect(res.headers.get('x-request-id')).toBe('front-desk-42');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('shows a friendly 404 page for people and a JSON error for the API', async () => {
    const page = await new WebClient(t.url).get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    const api = await fetch(`${t.url}/api/v1/nothing-here`, {
      headers: { accept: 'application/json' },
    });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('readiness with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  });
  afterAll(() => t.close());

  it('answers 503 naming the cache, while /health stays 200', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      error: Record<string, unknown>;
      info: Record<string, unknown>;
    };
    expect(Object.keys(body.error)).toEqual(['cache']);
    expect(body.info).toHaveProperty('database');
  });
});
