import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, createPet, type TestClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the appointments API', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let token: string;

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'America/New_York' });
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'Reminders' });
    token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`/c/${clinic.slug}/settings/api-tokens`)).text,
    )![1];
  });

  // Bodies of many shapes, read field by field in the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  async function api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json() };
  }

  it('books, lists the day, moves and checks in through the API', async () => {
    const booked = await api('POST', '/appointments', {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-04-08',
      time: '09:30',
    });
    expect(booked.status).toBe(201);
    const [a] = booked.json.data;
    expect(a).toMatchObject({
      localDate: '2031-04-08',
      localTime: '09:30',
      timeZone: 'America/New_York',
      status: 'booked',
      version: 1,
    });
    expect(a.startsAt).toBe('2031-04-08T13:30:00.000Z');

    const day = await api('GET', '/appointments?date=2031-04-08');
    expect(day.status).toBe(200);
    expect(day.json.data.map((x: { id: string }) => x.id)).toEqual([a.id]);

    const moved = await api('PATCH', `/appointments/${a.id}`, {
      version: 1,
      staffId: clinic.vets[1].id,
      typeId: clinic.consult,
      date: '2031-04-08',
      time: '11:00',
      durationMinutes: 30,
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      localTime: '11:00',
      staffId: clinic.vets[1].id,
      version: 2,
    });

    const stale = await api('PATCH', `/appointments/${a.id}`, {
      version: 1,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-04-08',
      time: '12:00',
      durationMinutes: 30,
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('stale_appointment');

    const checkedIn = await api('POST', `/appointments/${a.id}/status`, {
      to: 'checked_in',
      weightKg: 8.2,
    });
    expect(checkedIn.status).toBe(200);
    expect(checkedIn.json.status).toBe('checked_in');
    const illegal = await api('POST', `/appointments/${a.id}/status`, { to: 'confirmed' });
    expect(illegal.status).toBe(409);
    expect(illegal.json.error.code).toBe('illegal_transition');
  });

  it('answers a clash with 409 naming the appointment there, bad input with 400 naming the field', async () => {
    const first = await api('POST', '/appointments', {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-04-09',
      time: '10:00',
    });
    expect(first.status).toBe(201);
    const clash = await api('POST', '/appointments', {
      petId: clinic.pets[2].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-04-09',
      time: '10:10',
    });
    expect(clash.status).toBe(409);
    expect(clash.json.error).toMatchObject({
      code: 'appointment_conflict',
      details: { clash: { id: first.json.data[0].id, petName: clinic.pets[1].name } },
    });
    const bad = await api('POST', '/appointments', {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-04-09',
      time: '9am',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(Object.keys(bad.json.error.fields)).toEqual(['time']);
  });

  it('answers a booking as a later read shows it: names, room, alerts and what the client owes', async () => {
    const pet = await createPet(clinic);
    // An issued invoice not yet paid: the client owes the clinic.
    await adminQuery(
      superuserUrl(),
      `insert into invoices (tenant_id, client_id, status, series, number, currency, issued_at,
                             subtotal_minor, total_minor)
       values ($1, $2, 'issued', 'OWE', 1, 'EUR', now(), 4500, 4500)`,
      [clinic.id, pet.clientId],
    );
    await adminQuery(
      superuserUrl(),
      `update pets set alerts = 'Bites when muzzled' where id = $1`,
      [pet.id],
    );
    const booked = await api('POST', '/appointments', {
      petId: pet.id,
      staffId: clinic.vets[1].id,
      roomId: clinic.rooms[1],
      typeId: clinic.consult,
      date: '2031-04-10',
      time: '11:00',
      reason: 'Limping',
    });
    expect(booked.status).toBe(201);
    const [a] = booked.json.data;
    expect(a).toMatchObject({
      petName: pet.name,
      petAlerts: 'Bites when muzzled',
      roomName: 'Exam 2',
      typeName: 'Consultation',
      clientOwes: true,
      status: 'booked',
    });
    expect((await api('GET', `/appointments/${a.id}`)).json).toEqual(a);
  });

  it('is documented in the OpenAPI description', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/appointments',
        '/api/v1/appointments/{id}',
        '/api/v1/appointments/{id}/status',
      ]),
    );
  });

  it("gives 404 for another clinic's appointment", async () => {
    const other = await createClinic({ timeZone: 'America/New_York' });
    const desk = new WebClient(t.url);
    await desk.signIn(other.frontdesk.email);
    await desk.get(`/c/${other.slug}/appointments/new`);
    const res = await desk.post(`/c/${other.slug}/appointments`, {
      petId: other.pets[0].id,
      staffId: other.vets[0].id,
      typeId: other.consult,
      date: '2031-04-10',
      time: '10:00',
    });
    const foreignId = /appointments\/([0-9a-f-]{36})/.exec(res.location!)![1];
    const got = await api('GET', `/appointments/${foreignId}`);
    expect(got.status).toBe(404);
    expect(got.json.error.code).toBe('not_found');
  });
});
