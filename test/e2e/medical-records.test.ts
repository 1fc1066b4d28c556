import { beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { createClinic, createPet, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { recordIdFrom } from '../harness/records.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('medical records', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let vet: WebClient;
  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'America/New_York' });
    vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
  });

  async function vetWritesRecord(petId: string, fields: Record<string, string> = {}) {
    expect((await vet.get(`/c/${clinic.slug}/pets/${petId}/records`)).status).toBe(200);
    const res = await vet.post(`/c/${clinic.slug}/pets/${petId}/records`, {
      summary: 'Limping, left hind leg',
      subjective: 'Owner noticed limping after a walk',
      objective: 'Swelling at the hock',
      assessment: 'Soft tissue sprain',
      plan: 'Rest, NSAID for 5 days',
      weightValue: '12.4',
      weightUnit: 'kg',
      temperatureC: '38.6',
      heartRate: '96',
      respiratoryRate: '24',
      ...fields,
    });
    expect(res.status).toBe(303);
    return { vet, recordId: recordIdFrom(res.location) };
  }

  it('lets a vet write a record, finalise it, and only add addenda afterwards, keeping the history', async () => {
    const { id: petId } = await createPet(clinic, { name: 'Rocky' });
    const { vet, recordId } = await vetWritesRecord(petId);

    const page = await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Soft tissue sprain');

    const saved = await vet.post(`/c/${clinic.slug}/records/${recordId}`, {
      summary: 'Limping, left hind leg',
      assessment: 'Grade I sprain',
      weightValue: '27',
      weightUnit: 'lb',
      version: '1',
    });
    expect(saved.status).toBe(303);
    const stale = await vet.post(`/c/${clinic.slug}/records/${recordId}`, {
      summary: 'Overwrites the newer version',
      version: '1',
    });
    expect(stale.status).toBe(409);

    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect((await vet.post(`/c/${clinic.slug}/records/${recordId}/finalise`, {})).status).toBe(303);
    const locked = await vet.post(`/c/${clinic.slug}/records/${recordId}`, {
      summary: 'Changed after signing',
      version: '3',
    });
    expect(locked.status).toBe(409);
    expect(locked.text).toContain('finalised and locked');

    expect(
      (
        await vet.post(`/c/${clinic.slug}/records/${recordId}/addenda`, {
          body: 'X-ray reviewed: no fracture',
        })
      ).status,
    ).toBe(303);
    const final = await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect(final.text).toContain('X-ray reviewed: no fracture');
    expect(final.text).toContain('Grade I sprain');
    expect(final.text).not.toContain('Changed after signing');

    const { rows } = await adminQuery(
      superuserUrl(),
      `select action from audit_events where entity = 'medical_record' and entity_id = $1 order by occurred_at`,
      [recordId],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'medical_record.created',
      'medical_record.updated',
      'medical_record.finalised',
      'medical_record.addendum_added',
    ]);
    const {
      rows: [stored],
    } = await adminQuery(
      superuserUrl(),
      'select weight_kg::float8 as kg from medical_records where id = $1',
      [recordId],
    );
    expect(stored.kg).toBeCloseTo(12.247, 2);
  });

  it('re-renders the form with the vet’s input when a vital is out of range', async () => {
    const { id: petId } = await createPet(clinic, { name: 'Kiwi' });
    await vet.get(`/c/${clinic.slug}/pets/${petId}/records`);
    const res = await vet.post(`/c/${clinic.slug}/pets/${petId}/records`, {
      summary: 'Fever check',
      temperatureC: '58',
      plan: 'Keep this text',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter a temperature between 20 and 50');
    expect(res.text).toContain('Keep this text');
  });

  it('shows the front desk the list and summary, never the clinical notes, and lets it write nothing', async () => {
    const { id: petId } = await createPet(clinic, { name: 'Nala' });
    const { recordId } = await vetWritesRecord(petId, { summary: 'Annual check-up' });
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const list = await desk.get(`/c/${clinic.slug}/pets/${petId}/records`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Annual check-up');
    expect(list.text).not.toContain('Soft tissue sprain');
    expect(list.text).not.toContain('weight-chart');
    const record = await desk.get(`/c/${clinic.slug}/records/${recordId}`);
    expect(record.status).toBe(200);
    expect(record.text).toContain('Annual check-up');
    expect(record.text).not.toContain('Swelling at the hock');
    const write = await desk.post(`/c/${clinic.slug}/pets/${petId}/records`, {
      summary: 'Front desk note',
    });
    expect(write.status).toBe(404);
    const admin = new WebClient(t.url);
    await admin.signIn('admin@vetlane.test');
    expect((await admin.get(`/c/${clinic.slug}/records/${recordId}`)).status).toBe(404);
  });

  it("answers 404 for another clinic's record and pet, on pages and in JSON", async () => {
    const { id: petId } = await createPet(clinic, { name: 'Simba' });
    const { recordId } = await vetWritesRecord(petId);
    const other = new WebClient(t.url);
    await other.signIn('vet@vetgroom1.vetlane.test');
    expect((await other.get(`/c/vetgroom1/records/${recordId}`)).status).toBe(404);
    expect((await other.get(`/c/vetgroom1/pets/${petId}/records`)).status).toBe(404);
    const json = await other.get(`/c/vetgroom1/records/${recordId}/attachments`, {
      accept: 'application/json',
    });
    expect(json.status).toBe(404);
    expect(JSON.parse(json.text).error.code).toBe('not_found');
    expect((await other.get(`/c/${clinic.slug}/records/${recordId}`)).status).toBe(404);
  });

  it('draws the weight chart from the recorded weights', async () => {
    const { id: petId } = await createPet(clinic, { name: 'Toby' });
    await vetWritesRecord(petId, { weightValue: '10.5' });
    const { vet } = await vetWritesRecord(petId, { weightValue: '11.2' });
    const page = await vet.get(`/c/${clinic.slug}/pets/${petId}/records`);
    expect(page.text).toContain('<svg class="weight-chart"');
    expect(page.text.match(/<circle /g)?.length).toBe(2);
  });

  it('lists boosters due in the next 30 days, dropping those already given again', async () => {
    const { id: petId } = await createPet(clinic, { name: 'Bruno' });
    await vet.get(`/c/${clinic.slug}/pets/${petId}/records`);
    const today = DateTime.now().setZone(clinic.timeZone);
    const post = (product: string, givenOn: DateTime, nextDueOn: DateTime) =>
      vet.post(`/c/${clinic.slug}/pets/${petId}/vaccinations`, {
        givenOn: givenOn.toISODate()!,
        product,
        batch: 'B-2291',
        nextDueOn: nextDueOn.toISODate()!,
      });
    expect(
      (await post('Rabies Bruno', today.minus({ years: 1 }), today.plus({ days: 10 }))).status,
    ).toBe(303);
    expect(
      (await post('Lepto Bruno', today.minus({ years: 1 }), today.plus({ days: 5 }))).status,
    ).toBe(303);
    expect((await post('Lepto Bruno', today, today.plus({ years: 1 }))).status).toBe(303);
    expect((await post('DHPP Bruno', today, today.plus({ days: 45 }))).status).toBe(303);
    const bad = await post('Backwards', today, today.minus({ days: 1 }));
    expect(bad.status).toBe(400);

    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const due = await desk.get(`/c/${clinic.slug}/vaccinations/due`);
    expect(due.status).toBe(200);
    expect(due.text).toContain('Rabies Bruno');
    expect(due.text).not.toContain('Lepto Bruno');
    expect(due.text).not.toContain('DHPP Bruno');
  });
});
