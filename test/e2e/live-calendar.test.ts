import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { EntityManager } from 'typeorm';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { startTestApp, type TestApp } from '../harness/app.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

function connect(url: string, cookie?: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function join(socket: Socket, clinic: string): Promise<{ ok: boolean }> {
  return socket.timeout(3000).emitWithAck('join', { clinic });
}

function nextEvent(socket: Socket, ms: number): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('appointment', (e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
}

describe('live calendars across two app processes', () => {
  // Two app instances sharing only Redis and the database, as two processes would: one of
  // this file's own (its queries are counted below) and the run's shared app.
  let a: TestApp;
  const b = sharedApp();
  let clinic: TestClinic;
  let other: TestClinic;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [a, clinic, other] = await Promise.all([
      startTestApp(),
      createClinic({ timeZone: 'Europe/Madrid' }),
      createClinic({ timeZone: 'Europe/Madrid' }),
    ]);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await a.close();
  });

  async function signedInCookie(app: { url: string }, email: string) {
    const web = new WebClient(app.url);
    await web.signIn(email);
    return { web, cookie: `vetlane.sid=${web.cookie('vetlane.sid')}` };
  }

  it('pushes a booking made on one process to a calendar connected to the other, after commit', async () => {
    const vet = await signedInCookie(b, clinic.vet.email);
    const socket = await connect(b.url, vet.cookie);
    sockets.push(socket);
    expect(await join(socket, clinic.slug)).toEqual({ ok: true });

    const desk = new WebClient(a.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const received = nextEvent(socket, 5000);
    const res = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-10-07',
      time: '09:00',
    });
    expect(res.status).toBe(303);
    const event = await received;
    expect(event).toMatchObject({ type: 'created', staffId: clinic.vets[0].id, status: 'booked' });
    expect(res.location).toContain(String(event!.id));
    // The grid the page fetches on that event already holds the booking: the event came after commit.
    const grid = await vet.web.get(`/c/${clinic.slug}/calendar/grid?date=2031-10-07`);
    expect(grid.text).toContain(clinic.pets[0].name);
  });

  it('never lets a socket into another clinic’s room, nor an anonymous one into any', async () => {
    const stranger = await signedInCookie(a, other.frontdesk.email);
    const socket = await connect(a.url, stranger.cookie);
    sockets.push(socket);
    expect(await join(socket, clinic.slug)).toEqual({ ok: false });
    const desk = new WebClient(b.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const leaked = nextEvent(socket, 1500);
    await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[1].id,
      typeId: clinic.consult,
      date: '2031-10-07',
      time: '10:00',
    });
    expect(await leaked).toBeNull();

    const anonymous = io(a.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(anonymous);
    const disconnected = await new Promise<boolean>((resolve) => {
      anonymous.once('disconnect', () => resolve(true));
      setTimeout(() => resolve(false), 3000);
    });
    expect(disconnected).toBe(true);
  });

  it('renders a day view with the same number of queries for 2 or 30 appointments', async () => {
    const desk = new WebClient(a.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    // The bookings queue owner messages that the app's relay and worker send in the background,
    // through the same EntityManager: wait until none is due, so only the page's queries count.
    const messagesSettled = async () => {
      for (let i = 0; i < 300; i++) {
        const { rows } = await adminQuery(
          superuserUrl(),
          `select count(*)::int as n from owner_messages
            where status in ('queued', 'sending') and send_at <= now() + interval '5 seconds'`,
        );
        if (rows[0].n === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('owner messages still being sent after 30 s');
    };
    const countQueries = async (date: string) => {
      await messagesSettled();
      const original = EntityManager.prototype.query;
      let n = 0;
      EntityManager.prototype.query = function (
        this: EntityManager,
        ...args: Parameters<EntityManager['query']>
      ) {
        n++;
        return original.apply(this, args);
      } as EntityManager['query'];
      try {
        expect((await desk.get(`/c/${clinic.slug}/calendar?date=${date}`)).status).toBe(200);
      } finally {
        EntityManager.prototype.query = original;
      }
      return n;
    };
    const book = (date: string, i: number) =>
      desk.post(`/c/${clinic.slug}/appointments`, {
        petId: clinic.pets[i % 3].id,
        staffId: clinic.vets[i % 2].id,
        typeId: clinic.consult,
        date,
        time: `${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${Math.floor(i / 2) % 2 ? '30' : '00'}`,
      });
    for (let i = 0; i < 2; i++) expect((await book('2031-10-08', i)).status).toBe(303);
    for (let i = 0; i < 30; i++) expect((await book('2031-10-09', i)).status).toBe(303);
    // A first render fills the per-process directory caches (clinic access, switcher), so the
    // two measured renders differ only in their number of appointments.
    await countQueries('2031-10-07');
    const few = await countQueries('2031-10-08');
    const many = await countQueries('2031-10-09');
    expect(many).toBe(few);
    expect(few).toBeLessThan(15);
  });
});
