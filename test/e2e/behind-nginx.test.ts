import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, createUser, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { startNginx, type Nginx } from '../harness/nginx.js';
import { sharedApp } from '../harness/shared-app.js';

/**
 * Two app processes behind Debian's nginx with the configuration the README documents
 * (docker/nginx/vetlane.conf): this file's own app and the run's shared app, which share
 * only PostgreSQL and Redis, as two machines would.
 */
describe('several app processes behind nginx', () => {
  let a: TestApp;
  const b = sharedApp();
  let proxy: Nginx;
  let clinic: TestClinic;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [a, clinic] = await Promise.all([startTestApp(), createClinic()]);
    proxy = await startNginx([a.url, b.url]);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await proxy?.stop();
    await a?.close();
  });

  const hostOf = (url: string) => new URL(url).host;

  function connect(url: string, cookie: string, transport: 'websocket' | 'polling') {
    const socket = io(url, {
      transports: [transport],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise<Socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  function nextEvent(socket: Socket): Promise<Record<string, unknown> | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 5000);
      socket.once('appointment', (e) => (clearTimeout(timer), resolve(e)));
    });
  }

  async function bookAt(url: string, time: string) {
    const desk = new WebClient(url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const res = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-11-04',
      time,
    });
    expect(res.status).toBe(303);
    return res.location!;
  }

  it('keeps a session signed in on one process valid on the other and through the proxy', async () => {
    const onA = new WebClient(a.url);
    await onA.signIn(clinic.frontdesk.email);
    const cookie = `vetlane.sid=${onA.cookie('vetlane.sid')}`;
    for (const url of [b.url, proxy.url]) {
      const res = await fetch(`${url}/c/${clinic.slug}/calendar`, {
        headers: { cookie },
        redirect: 'manual',
      });
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
    }

    // Round robin: a sign-in and its pages through nginx land on both processes.
    const viaProxy = new WebClient(proxy.url);
    await viaProxy.signIn(clinic.manager.email);
    for (let i = 0; i < 4; i++)
      expect((await viaProxy.get(`/c/${clinic.slug}/calendar`)).status).toBe(200);
    expect(new Set(proxy.upstreamsUsed())).toEqual(new Set([hostOf(a.url), hostOf(b.url)]));
  });

  it('upgrades to a WebSocket through nginx and pushes a booking made on either process', async () => {
    const vet = new WebClient(proxy.url);
    await vet.signIn(clinic.vet.email);
    const socket = await connect(
      proxy.url,
      `vetlane.sid=${vet.cookie('vetlane.sid')}`,
      'websocket',
    );
    expect(socket.io.engine.transport.name).toBe('websocket');
    expect(await socket.timeout(3000).emitWithAck('join', { clinic: clinic.slug })).toEqual({
      ok: true,
    });
    // The socket sits on one of the two processes; one of these bookings is made on the other.
    for (const [url, time] of [
      [a.url, '09:00'],
      [b.url, '10:00'],
    ]) {
      const received = nextEvent(socket);
      const location = await bookAt(url, time);
      const event = await received;
      expect(event).toMatchObject({ type: 'created', status: 'booked' });
      expect(location).toContain(String(event!.id));
    }
  });

  it('serves Socket.IO long-polling through the sticky location', async () => {
    const vet = new WebClient(proxy.url);
    await vet.signIn(clinic.vet.email);
    const socket = await connect(proxy.url, `vetlane.sid=${vet.cookie('vetlane.sid')}`, 'polling');
    expect(socket.io.engine.transport.name).toBe('polling');
    expect(await socket.timeout(3000).emitWithAck('join', { clinic: clinic.slug })).toEqual({
      ok: true,
    });
    const received = nextEvent(socket);
    await bookAt(a.url, '11:00');
    expect(await received).toMatchObject({ type: 'created' });
  });

  it('counts failed sign-ins on every process against one limit', async () => {
    const person = await createUser({ worksAt: [{ clinic, role: 'vet' }] });
    const attempt = async (url: string, password: string) => {
      const web = new WebClient(url);
      await web.get('/login');
      return (await web.post('/login', { email: person.email, password })).status;
    };
    // LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP is 5 (all from this machine's address): three
    // failures on one process, two on the other.
    const failures = [];
    for (const url of [a.url, a.url, a.url, b.url, b.url])
      failures.push(await attempt(url, 'not-the-password'));
    expect(failures).toEqual([401, 401, 401, 401, 401]);
    expect(await attempt(a.url, 'vetlane-demo')).toBe(429);
    expect(await attempt(b.url, 'vetlane-demo')).toBe(429);
    expect(await attempt(proxy.url, 'vetlane-demo')).toBe(429);
  });
});
