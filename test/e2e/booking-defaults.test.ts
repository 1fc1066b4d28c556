import { beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { createClinic, EVERY_DAY, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/** The value of the option marked selected in the select named `name` ('' when none is). */
function selected(html: string, name: string): string {
  const select = new RegExp(`<select id="[^"]*" name="${name}"[^>]*>([^]*?)</select>`).exec(html);
  return /<option value="([^"]*)" selected/.exec(select?.[1] ?? '')?.[1] ?? '';
}
function options(html: string, name: string): string[] {
  const select = new RegExp(`<select id="[^"]*" name="${name}"[^>]*>([^]*?)</select>`).exec(html);
  return [...(select?.[1] ?? '').matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
}
const fieldValue = (html: string, name: string) =>
  new RegExp(`name="${name}" type="[a-z]+"[^>]* value="([^"]*)"`).exec(html)?.[1] ?? '';

describe('safe defaults when booking', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  let vet: WebClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'UTC', hours: EVERY_DAY('00:00', '24:00'), vets: 3 });
    const one = async (sql: string, params: unknown[]) =>
      (await adminQuery(superuserUrl(), sql, params)).rows[0] as { id: string };
    // A longer type that sorts first, an inactive type, room and vet: none may be preselected.
    ids.surgery = (
      await one(
        `insert into appointment_types (tenant_id, name, duration_minutes) values ($1, 'Anaesthesia and surgery', 120) returning id`,
        [clinic.id],
      )
    ).id;
    ids.oldType = (
      await one(
        `insert into appointment_types (tenant_id, name, duration_minutes, active) values ($1, 'Old type', 30, false) returning id`,
        [clinic.id],
      )
    ).id;
    ids.oldRoom = (
      await one(
        `insert into rooms (tenant_id, name, active) values ($1, 'Old room', false) returning id`,
        [clinic.id],
      )
    ).id;
    await adminQuery(superuserUrl(), `update staff set active = false where id = $1`, [
      clinic.vets[2].id,
    ]);
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
  });

  const form = (web: WebClient, query = '') =>
    web.get(`/c/${clinic.slug}/appointments/new?petId=${clinic.pets[0].id}${query}`);

  it('asks the front desk to choose the vet instead of preselecting the first name', async () => {
    const page = await form(desk);
    expect(selected(page.text, 'staffId')).toBe('');
    expect(page.text).toContain('<option value="">Choose…</option>');
    expect(selected(page.text, 'typeId')).toBe(clinic.consult);
  });

  it("preselects the signed-in vet, or the column clicked, and the clinic's default type", async () => {
    expect(selected((await form(vet)).text, 'staffId')).toBe(clinic.vets[0].id);
    const clicked = await form(vet, `&staffId=${clinic.vets[1].id}&date=2031-05-06&time=10:15`);
    expect(selected(clicked.text, 'staffId')).toBe(clinic.vets[1].id);
    expect(selected(clicked.text, 'typeId')).toBe(clinic.consult);
    expect(fieldValue(clicked.text, 'date')).toBe('2031-05-06');
    expect(fieldValue(clicked.text, 'time')).toBe('10:15');
    // An inactive vet's column falls back to the signed-in vet.
    const inactive = await form(vet, `&staffId=${clinic.vets[2].id}`);
    expect(selected(inactive.text, 'staffId')).toBe(clinic.vets[0].id);
  });

  it('never offers inactive types, rooms or staff', async () => {
    const page = await form(desk);
    expect(options(page.text, 'typeId')).toEqual([ids.surgery, clinic.consult]);
    expect(options(page.text, 'typeId')).not.toContain(ids.oldType);
    expect(options(page.text, 'roomId')).not.toContain(ids.oldRoom);
    expect(options(page.text, 'staffId')).not.toContain(clinic.vets[2].id);
  });

  it('starts at the next free slot after now, not at a fixed hour', async () => {
    const page = await form(vet);
    const start = DateTime.fromISO(
      `${fieldValue(page.text, 'date')}T${fieldValue(page.text, 'time')}`,
      { zone: 'UTC' },
    );
    const now = DateTime.utc();
    expect(start > now).toBe(true);
    expect(start.diff(now, 'minutes').minutes).toBeLessThanOrEqual(15);
  });

  it('books a time that has passed only when that is confirmed', async () => {
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const yesterday = DateTime.utc().minus({ days: 1 }).toISODate()!;
    const fields = {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[1].id,
      typeId: clinic.consult,
      date: yesterday,
      time: '10:00',
    };
    const refused = await desk.post(`/c/${clinic.slug}/appointments`, fields);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('That time has already passed.');
    expect(refused.text).toContain('name="confirmPast"');
    const confirmed = await desk.post(`/c/${clinic.slug}/appointments`, {
      ...fields,
      confirmPast: 'on',
    });
    expect(confirmed.status).toBe(303);
  });
});
