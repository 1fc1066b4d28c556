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

  it('takes 38,5 °C and 18,6 kg on a Spanish record and pet, and shows them back as 38,5 and 18,6', async () => {
    const vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    const pet = clinic.pets[1];
    await vet.get(`/c/${clinic.slug}/pets/${pet.id}/records`);
    const written = await vet.post(`/c/${clinic.slug}/pets/${pet.id}/records`, {
      summary: 'Fiebre',
      weightValue: '18,6',
      weightUnit: 'kg',
      temperatureC: '38,5',
    });
    expect(written.status).toBe(303);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select id, weight_value::text as w, temperature_c::text as c from medical_records
        where tenant_id = $1 and pet_id = $2 and summary = 'Fiebre'`,
      [clinic.id, pet.id],
    );
    expect([Number(rows[0].w), Number(rows[0].c)]).toEqual([18.6, 38.5]);
    const draft = await vet.get(`/c/${clinic.slug}/records/${rows[0].id}`);
    expect(draft.text).toMatch(
      /name="temperatureC"[^>]*value="38,5"|value="38,5"[^>]*name="temperatureC"/,
    );
    expect(draft.text).toMatch(
      /name="weightValue"[^>]*value="18,6"|value="18,6"[^>]*name="weightValue"/,
    );
    expect(draft.text).toContain('38,5');

    await desk.get(`/c/${clinic.slug}/pets/${pet.id}/edit`);
    const saved = await desk.post(`/c/${clinic.slug}/pets/${pet.id}`, {
      name: pet.name,
      species: 'dog',
      sex: 'female',
      weightKg: '4,5',
    });
    expect(saved.status).toBe(303);
    const edit = await desk.get(`/c/${clinic.slug}/pets/${pet.id}/edit`);
    expect(edit.text).toMatch(/name="weightKg"[^>]*value="4,5"|value="4,5"[^>]*name="weightKg"/);
  });
});
