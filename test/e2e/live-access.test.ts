import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../harness/app.js';
import {
  createCompany,
  createUser,
  type TestClinic,
  type TestCompany,
  type TestUser,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

/** A live calendar's socket on `url`, signed in as `email`, already in the clinic's room. */
async function liveCalendar(url: string, email: string, clinic: string) {
  const web = new WebClient(url);
  await web.signIn(email);
  const socket = io(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: `vetlane.sid=${web.cookie('vetlane.sid')}` },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ack = await socket.timeout(3000).emitWithAck('join', { clinic });
  expect(ack).toEqual({ ok: true });
  return { web, socket };
}

/** Whether the server ends the socket (bounded wait; a socket that stays would fail the test). */
function serverDisconnects(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (socket.disconnected) return resolve('already');
    const timer = setTimeout(() => resolve('still connected'), 5000);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('live updates obey the same access rules as pages', () => {
  // The socket is on this file's own app process; the change of access is made on the
  // run's shared one, so the disconnect must cross processes (Socket.IO's Redis adapter).
  let a: TestApp;
  const b = sharedApp();
  let company: TestCompany;
  let clinic: TestClinic;
  let admin: TestUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [a, company] = await Promise.all([startTestApp(), createCompany({ clinics: [{}] })]);
    [clinic] = company.clinics;
    admin = await createUser({ adminOf: [company.id] });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await a.close();
  });

  async function companyAdmin() {
    const web = new WebClient(b.url);
    await web.signIn(admin.email);
    await web.get(`/companies/${company.slug}/staff`);
    return web;
  }

  it('ends the socket of a session that signs out, and only that one', async () => {
    const desk = await createUser({ worksAt: [{ clinic, role: 'front_desk' }] });
    const leaving = await liveCalendar(a.url, desk.email, clinic.slug);
    const staying = await liveCalendar(a.url, desk.email, clinic.slug);
    sockets.push(leaving.socket, staying.socket);
    await leaving.web.get(`/c/${clinic.slug}`);
    const ended = serverDisconnects(leaving.socket);
    expect((await leaving.web.post('/logout', {})).status).toBe(303);
    expect(await ended).toBe('io server disconnect');
    expect(staying.socket.connected).toBe(true);
  });

  it('ends the sockets of a person whose membership is taken away or whose role changes', async () => {
    const vet = await createUser({ worksAt: [{ clinic, role: 'vet' }] });
    const live = await liveCalendar(a.url, vet.email, clinic.slug);
    sockets.push(live.socket);
    const web = await companyAdmin();
    const ended = serverDisconnects(live.socket);
    const changed = await web.post(`/companies/${company.slug}/staff`, {
      email: vet.email,
      clinic: clinic.slug,
      role: 'nurse',
    });
    expect(changed.status).toBe(303);
    expect(await ended).toBe('io server disconnect');

    const again = await liveCalendar(a.url, vet.email, clinic.slug);
    sockets.push(again.socket);
    await web.get(`/companies/${company.slug}/staff`);
    const gone = serverDisconnects(again.socket);
    const removed = await web.post(
      `/companies/${company.slug}/staff/${vet.id}/clinics/${clinic.slug}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    expect(await gone).toBe('io server disconnect');
    // Reconnecting with the same session is checked afresh: no way back into the room.
    const retry = io(a.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: `vetlane.sid=${again.web.cookie('vetlane.sid')}` },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(retry);
    await new Promise<void>((resolve) => retry.once('connect', () => resolve()));
    expect(await retry.timeout(3000).emitWithAck('join', { clinic: clinic.slug })).toEqual({
      ok: false,
    });
  });
});
