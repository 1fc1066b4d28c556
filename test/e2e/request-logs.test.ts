import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../harness/app.js';
import { WebClient } from '../harness/http.js';

// Its own file: nestjs-pino keeps one root logger per module registry, i.e. per test file.
describe('request logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logLines: lines });
  });
  afterAll(() => t.close());

  it('writes one JSON line per request with its id, tenant, user, status and latency', async () => {
    const web = new WebClient(t.url);
    await web.signIn('frontdesk@vetgroom1.vetlane.test');
    await web.get('/c/vetgroom1', { 'x-request-id': 'desk-morning-7' });
    // The line is written when the response finishes, which may be just after the client has it.
    for (
      let i = 0;
      i < 40 && !lines.some((l) => l.includes('desk-morning-7') && l.includes('request completed'));
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    const entry = lines
      .map(
        (l) =>
          JSON.parse(l) as Record<string, unknown> & {
            req?: { id?: string };
            res?: { statusCode?: number };
          },
      )
      .find((l) => l.req?.id === 'desk-morning-7' && l.msg === 'request completed');
    expect(entry).toMatchObject({
      tenant: 'vetgroom1',
      res: { statusCode: 200 },
      req: { method: 'GET', url: '/c/vetgroom1' },
    });
    expect(entry!.user).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof entry!.responseTime).toBe('number');
  });
});
