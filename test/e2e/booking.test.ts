import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

function appointmentId(location: string | null): string {
  const id = /appointments\/([0-9a-f-]{36})/.exec(location ?? '')?.[1];
  if (!id) throw new Error(`no appointment in ${location}`);
  return id;
}

describe('the front desk books, moves and cancels', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  const date = '2031-05-06'; // a Tuesday, well in the future

  beforeAll(async () => {
    clinic = await createClinic({
      timeZone: 'Europe/Madrid',
      hours: [2, 3].map((weekday) => ({ weekday, opens: '09:00', closes: '14:00' })),
    });
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
  });

  const book = (fields: Record<string, string>, web = desk) =>
    web.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date,
      time: '10:00',
      ...fields,
    });

  it('books a consultation and shows it on the day view at its local time', async () => {
    const res = await book({ time: '09:00', reason: 'Limping' });
    expect(res.status).toBe(303);
    const day = await desk.get(`/c/${clinic.slug}/calendar?date=${date}`);
    expect(day.status).toBe(200);
    expect(day.text).toMatch(new RegExp(`9:00\\sAM–9:20\\sAM ${clinic.pets[0].name}`));
    const page = await desk.get(res.location!);
    expect(page.text).toContain('booked it');
  });

  it('refuses a second booking that overlaps, naming the appointment already there', async () => {
    expect((await book({ time: '11:00' })).status).toBe(303);
    const clash = await book({ time: '11:10', petId: clinic.pets[1].id });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('That time is already taken.');
    // In the page's one date format (May 6, 2031, 11:00 AM), never ISO.
    expect(clash.text).toMatch(
      new RegExp(`already has ${clinic.pets[0].name} at May 6, 2031, 11:00\\sAM–11:20\\sAM`),
    );
  });

  it('refuses a time outside opening hours, unless a manager overrides it with a reason', async () => {
    const closed = await book({ time: '15:00' });
    expect(closed.status).toBe(422);
    expect(closed.text).toContain('The clinic is closed at that time.');
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/appointments/new`);
    const override = await book(
      { time: '15:00', overrideReason: 'Emergency surgery follow-up' },
      manager,
    );
    expect(override.status).toBe(303);
    const page = await manager.get(override.location!);
    expect(page.text).toContain('Emergency surgery follow-up');
    // The front desk's override is not honoured.
    expect((await book({ time: '16:00', overrideReason: 'please' })).status).toBe(422);
  });

  it('refuses booking into a closure with its reason', async () => {
    await adminQuery(
      superuserUrl(),
      `insert into closures (tenant_id, starts_at, ends_at, reason) values ($1, $2, $3, 'Staff training')`,
      [clinic.id, '2031-05-07T07:00:00Z', '2031-05-07T10:00:00Z'],
    );
    const res = await book({ date: '2031-05-07', time: '10:00' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That time is blocked: Staff training.');
  });

  it('walks the status flow with the weight at check-in and refuses an illegal move', async () => {
    const id = appointmentId((await book({ time: '12:00' })).location);
    const path = `/c/${clinic.slug}/appointments/${id}`;
    await desk.get(path);
    expect((await desk.post(`${path}/status`, { to: 'checked_in', weightKg: '12.4' })).status).toBe(
      303,
    );
    expect((await desk.post(`${path}/status`, { to: 'in_progress' })).status).toBe(303);
    expect((await desk.post(`${path}/status`, { to: 'completed' })).status).toBe(303);
    const illegal = await desk.post(`${path}/status`, { to: 'booked' });
    expect(illegal.status).toBe(409);
    expect(illegal.text).toContain('An appointment that is completed cannot become booked.');
    const page = await desk.get(path);
    expect(page.text).toContain('12.4 kg');
    for (const step of ['checked the patient in', 'started the consultation', 'completed it'])
      expect(page.text).toContain(step);
    const [pet] = (
      await adminQuery(
        superuserUrl(),
        'select weight_kg from pets where tenant_id = $1 and id = $2',
        [clinic.id, clinic.pets[0].id],
      )
    ).rows;
    expect(pet.weight_kg).toBe('12.40');
  });

  it('shows what changed instead of overwriting a colleague’s edit', async () => {
    const id = appointmentId((await book({ time: '13:00', petId: clinic.pets[2].id })).location);
    const colleague = new WebClient(t.url);
    await colleague.signIn(clinic.manager.email);
    const mine = await desk.get(`/c/${clinic.slug}/appointments/${id}/edit`);
    const original = /name="original" value="([^"]+)"/.exec(mine.text)![1];
    await colleague.get(`/c/${clinic.slug}/appointments/${id}/edit`);
    expect(
      (
        await colleague.post(`/c/${clinic.slug}/appointments/${id}`, {
          version: '1',
          original: '',
          staffId: clinic.vets[1].id,
          roomId: '',
          typeId: clinic.consult,
          date,
          time: '13:20',
          durationMinutes: '20',
          reason: '',
        })
      ).status,
    ).toBe(303);
    const stale = await desk.post(`/c/${clinic.slug}/appointments/${id}`, {
      version: '1',
      original,
      staffId: clinic.vets[0].id,
      roomId: '',
      typeId: clinic.consult,
      date,
      time: '13:30',
      durationMinutes: '30',
      reason: 'Mine',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(
      'Someone else changed this appointment while you were editing it.',
    );
    expect(stale.text).toContain(`Vet: ${clinic.vets[0].name} → ${clinic.vets[1].name}`);
    expect(stale.text).toMatch(/Start: May 6, 2031, 1:00\sPM → May 6, 2031, 1:20\sPM/);
    const [row] = (
      await adminQuery(
        superuserUrl(),
        'select staff_id, reason from appointments where tenant_id = $1 and id = $2',
        [clinic.id, id],
      )
    ).rows;
    expect(row).toEqual({ staff_id: clinic.vets[1].id, reason: null });
  });

  it('books a weekly series, or lists every clashing date and books none of it', async () => {
    const clashing = await book({ date: '2031-05-13', time: '09:00', staffId: clinic.vets[1].id });
    expect(clashing.status).toBe(303);
    await book({ date: '2031-05-27', time: '09:00', staffId: clinic.vets[1].id });
    const series = await book({
      date: '2031-05-06',
      time: '09:00',
      staffId: clinic.vets[1].id,
      repeatCount: '4',
      repeatEvery: '1',
      repeatUnit: 'weeks',
      petId: clinic.pets[1].id,
    });
    expect(series.status).toBe(409);
    expect(series.text).toContain('These dates clash');
    expect(series.text).toMatch(/May 13, 2031, 9:00\sAM —/);
    expect(series.text).toMatch(/May 27, 2031, 9:00\sAM —/);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select count(*)::int as n from appointments where tenant_id = $1 and pet_id = $2`,
      [clinic.id, clinic.pets[1].id],
    );
    expect(rows[0].n).toBe(0);
    const ok = await book({
      date: '2031-06-03',
      time: '09:00',
      staffId: clinic.vets[1].id,
      repeatCount: '3',
      repeatEvery: '1',
      repeatUnit: 'weeks',
      petId: clinic.pets[1].id,
    });
    expect(ok.status).toBe(303);
    expect((await desk.get(ok.location!)).text).toContain('3 appointments booked.');
  });

  it('cancels with a reason, frees the slot and keeps the history', async () => {
    const id = appointmentId((await book({ date: '2031-05-07', time: '12:00' })).location);
    await desk.get(`/c/${clinic.slug}/appointments/${id}`);
    expect(
      (
        await desk.post(`/c/${clinic.slug}/appointments/${id}/status`, {
          to: 'cancelled',
          cancelReason: 'Owner is ill',
        })
      ).status,
    ).toBe(303);
    expect(
      (await book({ date: '2031-05-07', time: '12:00', petId: clinic.pets[1].id })).status,
    ).toBe(303);
    const page = await desk.get(`/c/${clinic.slug}/appointments/${id}`);
    expect(page.text).toContain('Owner is ill');
    expect(page.text).toContain('cancelled it');
  });

  it('creates a new client and pet from the booking form, then books them', async () => {
    const next = `/c/${clinic.slug}/appointments/new`;
    await desk.get(`/c/${clinic.slug}/clients/quick?next=${encodeURIComponent(next)}`);
    const created = await desk.post(`/c/${clinic.slug}/clients/quick`, {
      firstName: 'Nuria',
      lastName: 'Quintana',
      petName: 'Brisa',
      petSpecies: 'cat',
      next,
    });
    expect(created.status).toBe(303);
    expect(created.location).toMatch(/\/appointments\/new\?.*petId=[0-9a-f-]{36}/);
    const form = await desk.get(created.location!);
    expect(form.text).toMatch(/data-testid="picked-pet"><strong>Brisa<\/strong>/);
    const petId = /name="petId" value="([0-9a-f-]{36})"/.exec(form.text)![1];
    expect((await book({ petId, date: '2031-05-07', time: '13:00' })).status).toBe(303);
  });

  it('moves an appointment by drag and drop (JSON) with the same rules as the form', async () => {
    const id = appointmentId(
      (await book({ date: '2031-05-13', time: '10:00', petId: clinic.pets[2].id })).location,
    );
    await book({ date: '2031-05-13', time: '12:00', staffId: clinic.vets[1].id });
    const move = (fields: Record<string, string>) =>
      desk.request(`/c/${clinic.slug}/appointments/${id}/move`, {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: {
          accept: 'application/json',
          'x-csrf-token': desk.csrf ?? '',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    const moved = await move({
      version: '1',
      date: '2031-05-13',
      time: '11:00',
      staffId: clinic.vets[1].id,
    });
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.text).appointment).toMatchObject({
      id,
      version: 2,
      staffId: clinic.vets[1].id,
    });
    const clash = await move({
      version: '2',
      date: '2031-05-13',
      time: '12:10',
      staffId: clinic.vets[1].id,
    });
    expect(clash.status).toBe(409);
    expect(JSON.parse(clash.text).error).toMatchObject({
      code: 'appointment_conflict',
      details: { clash: { petName: clinic.pets[0].name } },
    });
    const stale = await move({ version: '1', date: '2031-05-13', time: '13:00' });
    expect(stale.status).toBe(409);
    expect(JSON.parse(stale.text).error.code).toBe('stale_appointment');
  });

  it('gives clear form errors for bad input and a 404 for another clinic’s appointment', async () => {
    const bad = await book({ time: '25:99', staffId: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="time"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('<p class="field-error" id="time-error">Use the format HH:MM.</p>');
    expect(bad.text).toContain(
      '<p class="field-error" id="staffId-error">Choose one from the list.</p>',
    );
    const other = await createClinic({ timeZone: 'Europe/Madrid' });
    const { rows } = await adminQuery(
      superuserUrl(),
      `select id from appointments where tenant_id = $1 limit 1`,
      [clinic.id],
    );
    expect((await desk.get(`/c/${clinic.slug}/appointments/${rows[0].id}`)).status).toBe(200);
    const stranger = new WebClient(t.url);
    await stranger.signIn(other.frontdesk.email);
    expect((await stranger.get(`/c/${other.slug}/appointments/${rows[0].id}`)).status).toBe(404);
  });
});
