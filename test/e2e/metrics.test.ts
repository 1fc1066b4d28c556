import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

const TOKEN = 'metrics-token-for-the-scraper';

describe('Prometheus metrics', () => {
  const shared = sharedApp();
  let app: TestApp;
  let clinic: TestClinic;

  beforeAll(async () => {
    app = await startTestApp({ METRICS_TOKEN: TOKEN, ...ownRedisPrefix('metrics') });
    clinic = await createClinic();
  });
  afterAll(() => app?.close());

  const scrape = (url: string, token?: string) =>
    fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('are not public: no token, a wrong one, or none configured is a 404', async () => {
    expect((await scrape(app.url)).status).toBe(404);
    expect((await scrape(app.url, 'metrics-token-for-the-scrapeX')).status).toBe(404);
    expect((await scrape(shared.url, TOKEN)).status).toBe(404);
  });

  it('time each route, count cache hits and misses, and show the pool, sockets and event loop', async () => {
    const web = new WebClient(app.url);
    await web.signIn(clinic.frontdesk.email);
    for (let i = 0; i < 3; i++)
      expect((await web.get(`/c/${clinic.slug}/calendar?date=2031-02-03`)).status).toBe(200);
    const res = await scrape(app.url, TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(
      value(
        /vetlane_http_request_duration_seconds_count\{method="GET",route="\/c\/:clinicSlug\/calendar",status="200"\} (\d+)/,
      ),
    ).toBe(3);
    expect(value(/^vetlane_response_cache_hits_total (\d+)/m)).toBeGreaterThanOrEqual(2);
    expect(value(/^vetlane_response_cache_misses_total (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^vetlane_db_pool_connections\{state="idle"\} (\d+)/m)).toBeGreaterThanOrEqual(0);
    expect(value(/^vetlane_db_pool_waiting (\d+)/m)).toBe(0);
    expect(value(/^vetlane_socketio_open_sockets (\d+)/m)).toBe(0);
    expect(value(/^vetlane_overload_refusals_total (\d+)/m)).toBe(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m);
  });
});
