import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, createUser, type TestUser } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';

describe('a stranger cannot lock someone out by failing to sign in as them', () => {
  let t: TestApp;
  let victim: TestUser;

  beforeAll(async () => {
    // Addresses come from X-Forwarded-For (as behind the load balancer); a low daily limit.
    [t, victim] = await Promise.all([
      startTestApp({
        ...ownRedisPrefix('lockout'),
        TRUST_PROXY: 'true',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '8',
      }),
      createClinic().then((clinic) => createUser({ worksAt: [{ clinic, role: 'vet' }] })),
    ]);
  });
  afterAll(() => t.close());

  async function attempt(from: string, email: string, password: string) {
    const web = new WebClient(t.url);
    await web.request('/login', { headers: { 'x-forwarded-for': from } });
    const body = new URLSearchParams({ email, password, _csrf: web.csrf ?? '' });
    const res = await web.request('/login', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': from,
      },
    });
    return { status: res.status, message: /role="alert"[^>]*>\s*<p>([^<]*)/.exec(res.text)?.[1] };
  }

  it('blocks the address that keeps failing, lets the owner in from elsewhere, and still ends a distributed guess', async () => {
    const attacker = '203.0.113.7';
    const tries = [];
    for (let i = 0; i < 6; i++)
      tries.push((await attempt(attacker, victim.email, `guess-${i}`)).status);
    expect(tries).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await attempt(attacker, victim.email, 'vetlane-demo')).status).toBe(429);

    // The owner, from the clinic's address, signs in as usual.
    expect((await attempt('198.51.100.20', victim.email, 'vetlane-demo')).status).toBe(303);

    // Three more failures from three more addresses make 8 for the account: it now waits.
    for (const from of ['203.0.113.8', '203.0.113.9', '203.0.113.10'])
      expect((await attempt(from, victim.email, 'another-guess')).status).toBe(401);
    expect((await attempt('198.51.100.20', victim.email, 'vetlane-demo')).status).toBe(429);
  });

  it('answers an unknown email exactly like a wrong password, and throttles it the same way', async () => {
    const existing = await createUser();
    const wrongPassword = await attempt('192.0.2.45', existing.email, 'wrong');
    const unknown = 'nobody-here@vetlane.test';
    const unknownEmail = await attempt('192.0.2.44', unknown, 'wrong');
    expect(unknownEmail).toEqual(wrongPassword);
    expect(unknownEmail.status).toBe(401);
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push((await attempt('192.0.2.44', unknown, 'x')).status);
    expect(tries).toEqual([401, 401, 401, 401, 429]);
  });
});
