import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FastLane } from '../../src/web/fast-lane.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import {
  createClinic,
  createCompany,
  createUser,
  type TestClinic,
  type TestCompany,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';

/**
 * The fast lane (src/web/fast-lane.ts) seen from outside: a repeat of a cached calendar page
 * is answered before Express, with the page the long way gives, and every change that could
 * make that page wrong or forbidden sends the next request the long way again.
 */
describe('the fast lane', () => {
  const date = '2031-06-10';
  let t: TestApp;
  let company: TestCompany;
  let clinic: TestClinic;
  let other: TestClinic;
  let desk: WebClient;

  const served = () => t.app.get(FastLane).served;
  const calendar = (web: WebClient, query = `date=${date}`, headers = {}) =>
    web.get(`/c/${clinic.slug}/calendar?${query}`, headers);
  /**
   * Asks until the lane answers: it remembers a session's door once the long way's answer
   * is out, a moment after the client has it. Fails when the lane never answers.
   */
  async function fromLane(ask: () => ReturnType<typeof calendar>) {
    for (let tries = 0; tries < 50; tries++) {
      const before = served();
      const answer = await ask();
      if (served() > before) return answer;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the fast lane never answered');
  }
  /** Asks once and tells whether the lane answered. */
  async function once(ask: () => ReturnType<typeof calendar>) {
    const before = served();
    const answer = await ask();
    return { answer, lane: served() > before };
  }
  async function signedIn(email: string) {
    const web = new WebClient(t.url);
    await web.signIn(email);
    return web;
  }

  beforeAll(async () => {
    [t, company] = await Promise.all([
      startTestApp(ownRedisPrefix('lane')),
      createCompany({ clinics: [{ pets: 3 }, {}] }),
    ]);
    [clinic, other] = company.clinics;
    desk = await signedIn(clinic.frontdesk.email);
  });
  afterAll(() => t?.close());

  it('answers a repeat of a cached calendar page with the page the long way gave', async () => {
    const long = await calendar(desk);
    expect(long.status).toBe(200);
    const lane = await fromLane(() => calendar(desk));
    expect(lane.status).toBe(200);
    expect(lane.text).toBe(long.text);
    for (const name of [
      'content-type',
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'cross-origin-opener-policy',
    ])
      expect([name, lane.headers.get(name)]).toEqual([name, long.headers.get(name)]);
    expect(lane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lane.headers.get('x-request-id')).not.toBe(long.headers.get('x-request-id'));
    expect(lane.headers.get('set-cookie')).toBeNull();
    // The week, and the grid the live calendar fetches, the same way.
    const week = await calendar(desk, `date=${date}&view=week`);
    expect((await fromLane(() => calendar(desk, `date=${date}&view=week`))).text).toBe(week.text);
    const grid = () => desk.get(`/c/${clinic.slug}/calendar/grid?date=${date}`);
    const longGrid = await grid();
    expect(longGrid.text).toContain('data-date');
    expect((await fromLane(grid)).text).toBe(longGrid.text);
  });

  it('shows a booking on the very next request, then answers again', async () => {
    await fromLane(() => calendar(desk));
    const booked = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[2].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date,
      time: '10:00',
    });
    expect(booked.status).toBe(303);
    const next = await once(() => calendar(desk));
    expect(next.lane).toBe(false);
    expect(next.answer.text).toContain(clinic.pets[2].name);
    expect((await fromLane(() => calendar(desk))).text).toContain(clinic.pets[2].name);
  });

  it('goes the long way for another language, another query or another clinic', async () => {
    await fromLane(() => calendar(desk));
    // Other Accept or Accept-Language headers than the door was made for: the long way.
    for (const headers of [{ 'accept-language': 'es' }, { accept: 'application/json' }]) {
      const asked = await once(() => calendar(desk, `date=${date}`, headers));
      expect(asked.lane).toBe(false);
    }
    // A query the lane does not read, or a name given twice: the long way decides.
    for (const query of [`date=${date}&x=1`, `date=${date}&date=2031-06-11`])
      expect((await once(() => calendar(desk, query))).lane).toBe(false);
    // A clinic this desk does not work at: 404, never a door of its own clinic.
    const elsewhere = await once(() => desk.get(`/c/${other.slug}/calendar?date=${date}`));
    expect(elsewhere.lane).toBe(false);
    expect(elsewhere.answer.status).toBe(404);
  });

  it('follows the session: a new language at once, nothing after signing out', async () => {
    const web = await signedIn(clinic.frontdesk.email);
    await fromLane(() => calendar(web));
    await web.get(`/c/${clinic.slug}/calendar?date=${date}`);
    const changed = await web.post('/account/locale', { locale: 'es', next: '/' });
    expect(changed.status).toBe(303);
    const spanish = await once(() => calendar(web));
    expect(spanish.lane).toBe(false);
    expect(spanish.answer.text).toContain('<html lang="es">');
    expect((await fromLane(() => calendar(web))).text).toContain('<html lang="es">');

    const cookie = `vetlane.sid=${web.cookie('vetlane.sid')}`;
    expect((await web.post('/logout', {})).status).toBe(303);
    const after = await once(() =>
      fetch(`${t.url}/c/${clinic.slug}/calendar?date=${date}`, {
        headers: { cookie, accept: 'text/html' },
        redirect: 'manual',
      }).then(async (res) => ({
        status: res.status,
        headers: res.headers,
        text: await res.text(),
        location: res.headers.get('location'),
      })),
    );
    expect(after.lane).toBe(false);
    expect(after.answer.status).not.toBe(200);
    expect(after.answer.text).not.toContain(clinic.name);
  });

  it('lets nobody in whose membership was taken away', async () => {
    const vet = await createUser({ worksAt: [{ clinic, role: 'vet' }] });
    const web = await signedIn(vet.email);
    await fromLane(() => calendar(web));
    const admin = await createUser({ adminOf: [company.id] });
    const companyAdmin = await signedIn(admin.email);
    await companyAdmin.get(`/companies/${company.slug}/staff`);
    const removed = await companyAdmin.post(
      `/companies/${company.slug}/staff/${vet.id}/clinics/${clinic.slug}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    const after = await once(() => calendar(web));
    expect(after.lane).toBe(false);
    expect(after.answer.status).toBe(404);
  });
});

describe('the fast lane and a clinic’s request limit', () => {
  let t: TestApp;
  let clinic: TestClinic;
  afterAll(() => t?.close());

  it('counts what it answers: the limit holds, and each request counts once', async () => {
    t = await startTestApp({
      ...ownRedisPrefix('lane-limit'),
      TENANT_REQUESTS_PER_MINUTE: 'basic=12,standard=12,enterprise=12',
    });
    clinic = await createClinic();
    const web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
    const lane = t.app.get(FastLane);
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      statuses.push((await web.get(`/c/${clinic.slug}/calendar?date=2031-06-10`)).status);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(lane.served).toBeGreaterThan(0);
    // Twelve a minute: the twelve first pages, whichever way each went, then 429s.
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.slice(12)).toEqual([429, 429, 429, 429]);
  });
});
