import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../harness/app.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe('signing in at the front desk', () => {
  const t = sharedApp();

  it('signs the front desk in, gives a session only then and lands on their clinic', async () => {
    const web = new WebClient(t.url);
    const page = await web.get('/login');
    expect(page.status).toBe(200);
    // The sign-in page stores no session (its form is protected by a signed cookie token).
    expect(web.cookie('vetlane.sid')).toBeUndefined();
    expect(web.cookie('vetlane.csrf')).toBeDefined();
    const res = await web.post('/login', {
      email: 'frontdesk@clinica-veterinaria-centro.vetlane.test',
      password: 'vetlane-demo',
    });
    expect(res.status).toBe(303);
    expect(web.cookie('vetlane.sid')).toBeDefined();
    const home = await web.get('/');
    expect(home.location).toBe('/c/clinica-veterinaria-centro');
    const clinic = await web.get('/c/clinica-veterinaria-centro');
    expect(clinic.status).toBe(200);
    expect(clinic.text).toContain('Clínica Veterinaria Centro');
    // The clinic speaks Spanish.
    expect(clinic.text).toContain('Cerrar sesión');
  });

  it('refuses a wrong password with a message and no session', async () => {
    const web = new WebClient(t.url);
    await web.get('/login');
    const res = await web.post('/login', {
      email: 'vet@pet-spa-deluxe.vetlane.test',
      password: 'not-the-password',
    });
    expect(res.status).toBe(401);
    expect(res.text).toContain('The email or password is not right.');
    expect((await web.get('/c/pet-spa-deluxe')).status).toBe(303);
  });

  it('rejects a sign-in without its CSRF token', async () => {
    const web = new WebClient(t.url);
    await web.get('/login');
    const res = await web.post(
      '/login',
      { email: 'vet@pet-spa-deluxe.vetlane.test', password: 'vetlane-demo' },
      { csrf: null },
    );
    expect(res.status).toBe(403);
    const forged = await web.post(
      '/login',
      { email: 'vet@pet-spa-deluxe.vetlane.test', password: 'vetlane-demo' },
      { csrf: 'forged-token' },
    );
    expect(forged.status).toBe(403);
    expect((await web.get('/')).location).toBe('/login');
  });

  it('throttles repeated failures on one account with a clear message', async () => {
    const web = new WebClient(t.url);
    await web.get('/login');
    const email = 'manager@vetgroom-central.vetlane.test';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await web.post('/login', { email, password: `wrong-${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    // Even the right password is refused while the account is blocked.
    const blocked = await web.post('/login', { email, password: 'vetlane-demo' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(blocked.text).toMatch(/Too many sign-in attempts/);
    // Another account from the same browser is not blocked by it.
    await web.signIn('vet@vetgroom-central.vetlane.test');
  });

  it('sends a repeated or foreign "next" home after a language change', async () => {
    const web = new WebClient(t.url);
    await web.signIn('vet@vetgroom1.vetlane.test');
    await web.get('/c/vetgroom1');
    const body = new URLSearchParams([
      ['locale', 'es'],
      ['next', '/c/vetgroom1'],
      ['next', '//evil.example'],
      ['_csrf', web.csrf ?? ''],
    ]);
    const res = await web.request('/account/locale', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect({ status: res.status, location: res.location }).toEqual({ status: 303, location: '/' });
  });

  it('signs out and forgets the session', async () => {
    const web = new WebClient(t.url);
    await web.signIn('vet@vetgroom1.vetlane.test');
    await web.get('/c/vetgroom1');
    const out = await web.post('/logout', {});
    expect(out.status).toBe(303);
    expect((await web.get('/c/vetgroom1')).status).toBe(303);
  });
});

describe('sign-in throttling per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Its own key prefix and a low limit, so other tests' failures do not count here.
    t = await startTestApp({
      LOGIN_MAX_FAILURES_PER_IP: '3',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}ip-throttle:`,
    });
  });
  afterAll(() => t.close());

  it('blocks an address that keeps failing across accounts, with a Retry-After', async () => {
    const web = new WebClient(t.url);
    await web.get('/login');
    const statuses = [];
    for (const who of ['a', 'b', 'c', 'd'])
      statuses.push(
        (await web.post('/login', { email: `${who}@nowhere.test`, password: 'guess' })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await web.post('/login', {
      email: 'vet@vetgroom1.vetlane.test',
      password: 'vetlane-demo',
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
