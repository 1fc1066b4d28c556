import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('every message in the clinic’s language', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  let token: string;

  beforeAll(async () => {
    clinic = await createClinic({ locale: 'es', timeZone: 'Europe/Madrid' });
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'Recordatorios' });
    token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`/c/${clinic.slug}/settings/api-tokens`)).text,
    )![1];
  });

  const api = async (body: unknown, language?: string) => {
    const res = await fetch(`${t.url}/api/v1/appointments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(language ? { 'accept-language': language } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { error: Record<string, unknown> } };
  };

  it('answers the JSON API in the Accept-Language, with the same codes', async () => {
    const bad = { petId: 'nope', staffId: clinic.vets[0].id, typeId: clinic.consult };
    const es = await api(bad, 'es-ES,es;q=0.9');
    const en = await api(bad);
    expect([es.status, en.status]).toEqual([400, 400]);
    expect(es.json.error.code).toBe(en.json.error.code);
    expect(es.json.error.message).toBe('Revise los campos marcados.');
    expect(en.json.error.message).toBe('Please check the highlighted fields.');
    expect((es.json.error.fields as Record<string, string>).petId).not.toMatch(/choose|invalid/i);
    const closed = {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-10',
      time: '23:00',
    };
    const refused = await api(closed, 'es');
    expect(refused.json.error).toMatchObject({
      code: 'outside_opening_hours',
      message: 'La clínica está cerrada a esa hora.',
    });
  });

  it('translates a refused drag on the calendar, and accepts 18,6 kg at check-in', async () => {
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const booked = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-10',
      time: '10:00',
    });
    const id = /appointments\/([0-9a-f-]{36})/.exec(booked.location!)![1];
    const moved = await desk.request(`/c/${clinic.slug}/appointments/${id}/move`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'x-csrf-token': desk.csrf ?? '',
      },
      body: JSON.stringify({ version: 1, date: '2031-06-10', time: '23:00' }),
    });
    expect(moved.status).toBe(422);
    expect(JSON.parse(moved.text).error.message).toBe('La clínica está cerrada a esa hora.');
    await desk.get(`/c/${clinic.slug}/appointments/${id}`);
    const checkIn = await desk.post(`/c/${clinic.slug}/appointments/${id}/status`, {
      to: 'checked_in',
      weightKg: '18,6',
    });
    expect(checkIn.status).toBe(303);
    const { rows } = await adminQuery(
      superuserUrl(),
      'select checked_in_weight_kg::text as kg from appointments where id = $1',
      [id],
    );
    expect(rows[0].kg).toBe('18.60');
  });
});
