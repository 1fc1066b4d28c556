import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { book, createClient, createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import {
  dayAhead,
  offeredSlots,
  openOnlineBooking,
  ownerForm,
  slotValue,
  visitor,
} from '../harness/online-booking.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';
import { waitForMail } from '../harness/mail-server.js';
import { ClinicTime } from '../../src/clinic/clinic-time.js';

/** The path of the verification link in the mail to `email` (the link's host is the app's public URL). */
async function linkPath(email: string): Promise<string> {
  const [mail] = await waitForMail(email);
  const link = /https?:\/\/[^\s"<>]+\/book\/[^\s"<>]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no booking link in: ${mail.text}`);
  const url = new URL(link);
  return url.pathname + url.search;
}

const sql = async (text: string, params: unknown[] = []) =>
  (await adminQuery(superuserUrl(), text, params)).rows;

describe('owners book online at /book/<clinic>', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let date: string;

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'Europe/Madrid' });
    await openOnlineBooking(clinic);
    date = dayAhead(clinic, 7);
  });

  it('shows the free times the front desk would find: opening hours, bookings and closures left out', async () => {
    await book(clinic, { startsAt: ClinicTime.toInstant(date, '10:00', clinic.timeZone) });
    await sql(
      `insert into closures (tenant_id, starts_at, ends_at, staff_id, reason) values ($1, $2, $3, $4, 'Surgery')`,
      [
        clinic.id,
        ClinicTime.toInstant(date, '12:00', clinic.timeZone),
        ClinicTime.toInstant(date, '13:00', clinic.timeZone),
        clinic.vets[0].id,
      ],
    );
    const { page } = await visitor(t.url, clinic, date);
    const times = offeredSlots(page.text).map((s) => s.time);
    expect(times).toContain('08:00');
    expect(times).toContain('09:30');
    // The 10:00–10:20 booking blocks 20-minute starts from 09:45 to 10:15.
    expect(times).not.toContain('09:45');
    expect(times).not.toContain('10:00');
    expect(times).not.toContain('10:15');
    expect(times).toContain('10:30');
    expect(times).not.toContain('12:00');
    expect(times).not.toContain('12:45');
    expect(times).toContain('13:00');
    expect(times).toContain('19:30');
    expect(times).not.toContain('19:45');
    // Shown to the owner in the page language's clock, like every other English page.
    expect(page.text).toMatch(/data-time="13:00"[^>]*><span>1:00\sPM </);
    // Only the person offered online (vets[1] is not) is booked.
    expect(new Set(offeredSlots(page.text).map((s) => s.staffId))).toEqual(
      new Set([clinic.vets[0].id]),
    );
  });

  it('holds the requested time without a session, marked online on the front desk calendar', async () => {
    const { web } = await visitor(t.url, clinic, date);
    const form = ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '11:00'));
    const res = await web.post(`/book/${clinic.slug}`, form);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(new RegExp(`^/book/${clinic.slug}/requested`));
    expect(web.cookie('vetlane.sid')).toBeUndefined();
    const requested = await web.get(res.location!);
    expect(requested.text).toContain('Check your email');

    const [held] = await sql(
      `select a.id, a.source, a.status, b.status as hold, b.email, b.hold_expires_at > now() as live
         from online_bookings b join appointments a on a.tenant_id = b.tenant_id and a.id = b.appointment_id
        where b.tenant_id = $1 and b.email = $2`,
      [clinic.id, form.email],
    );
    expect(held).toMatchObject({ source: 'online', status: 'booked', hold: 'held', live: true });

    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const grid = await desk.get(`/c/${clinic.slug}/calendar/grid?date=${date}`);
    expect(grid.text).toMatch(
      /<strong>Coco<\/strong> <span class="online-tag"[^>]*>online<\/span>/,
    );
    const shown = await desk.get(`/c/${clinic.slug}/appointments/${held.id}`);
    expect(shown.text).toContain('Booked online');

    // The time is gone from the page for the next visitor.
    const { page } = await visitor(t.url, clinic, date);
    expect(offeredSlots(page.text).map((s) => s.time)).not.toContain('11:00');
  });

  it('answers a known email exactly as an unknown one, and matches nobody before the link is clicked', async () => {
    const known = await createClient(clinic, {
      firstName: 'Marta',
      email: `marta.${Date.now()}@example.com`,
      pets: [{ name: 'Luna' }],
    });
    const [{ email }] = await sql('select email from clients where tenant_id = $1 and id = $2', [
      clinic.id,
      known.id,
    ]);
    const answers = [];
    for (const [time, who] of [
      ['15:00', email],
      ['15:30', `nobody.${Date.now()}@example.com`],
    ]) {
      const { web } = await visitor(t.url, clinic, date);
      const res = await web.post(
        `/book/${clinic.slug}`,
        ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, time), {
          email: who,
          petName: 'Luna',
        }),
      );
      answers.push({ status: res.status, to: res.location?.split('?')[0] });
    }
    expect(answers[0]).toEqual(answers[1]);
    const [{ n }] = await sql(
      `select count(*)::int as n from appointments where tenant_id = $1 and client_id = $2`,
      [clinic.id, known.id],
    );
    expect(n).toBe(0);
  });

  it('frees the slot when the hold expires unverified: appointment, owner and pet are gone', async () => {
    const { web } = await visitor(t.url, clinic, date);
    const form = ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '16:00'), {
      lastName: 'Expiring',
    });
    expect((await web.post(`/book/${clinic.slug}`, form)).status).toBe(303);
    const link = await linkPath(form.email);
    await sql(
      `update online_bookings set hold_expires_at = now() - interval '1 second' where tenant_id = $1 and email = $2`,
      [clinic.id, form.email],
    );
    const { page } = await visitor(t.url, clinic, date);
    expect(offeredSlots(page.text).map((s) => s.time)).toContain('16:00');
    const [row] = await sql(
      `select status, appointment_id from online_bookings where tenant_id = $1 and email = $2`,
      [clinic.id, form.email],
    );
    expect(row).toEqual({ status: 'expired', appointment_id: null });
    const [{ clients }] = await sql(
      `select count(*)::int as clients from clients where tenant_id = $1 and last_name = 'Expiring'`,
      [clinic.id],
    );
    expect(clients).toBe(0);
    const late = await new WebClient(t.url).get(link);
    expect(late.status).toBe(410);
    expect(late.text).toContain('This link is no longer valid');

    // The front desk can book the time again.
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new`);
    const booked = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date,
      time: '16:00',
    });
    expect(booked.status).toBe(303);
  });

  it('takes a filled honeypot for a success and books nothing', async () => {
    const { web } = await visitor(t.url, clinic, date);
    const form = ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '17:00'), {
      website: 'http://spam.example',
    });
    const res = await web.post(`/book/${clinic.slug}`, form);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/requested/);
    const rows = await sql(`select 1 from online_bookings where tenant_id = $1 and email = $2`, [
      clinic.id,
      form.email,
    ]);
    expect(rows).toHaveLength(0);
    const { page } = await visitor(t.url, clinic, date);
    expect(offeredSlots(page.text).map((s) => s.time)).toContain('17:00');
  });

  it('refuses bad input with messages beside the fields, never a 500', async () => {
    const { web } = await visitor(t.url, clinic, date);
    const slot = slotValue(clinic, clinic.vets[0].id, date, '18:00');
    const empty = await web.post(`/book/${clinic.slug}`, {
      ...ownerForm(clinic, slot),
      email: 'not-an-email',
      firstName: '',
      petSpecies: 'dragon',
    });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/id="email"[^>]*aria-invalid="true"/);
    expect(empty.text).toMatch(/id="firstName"[^>]*aria-invalid="true"/);
    expect(empty.text).toMatch(/id="petSpecies"[^>]*aria-invalid="true"/);
    // What was typed comes back.
    expect(empty.text).toContain('value="+34 600 123 456"');

    const garbled = await web.post(`/book/${clinic.slug}`, ownerForm(clinic, 'tomorrow at ten'));
    expect(garbled.status).toBe(400);
    expect(garbled.text).toContain('Choose one of the free times.');

    // A person not offered online, a time the clinic is closed, in the past, too far ahead.
    for (const refused of [
      slotValue(clinic, clinic.vets[1].id, date, '18:00'),
      slotValue(clinic, clinic.vets[0].id, date, '22:00'),
      slotValue(clinic, clinic.vets[0].id, dayAhead(clinic, -2), '10:00'),
      slotValue(clinic, clinic.vets[0].id, dayAhead(clinic, 90), '10:00'),
    ]) {
      const res = await web.post(`/book/${clinic.slug}`, ownerForm(clinic, refused));
      expect(res.status).toBe(409);
      expect(res.text).toContain('That time is no longer free');
    }

    const noToken = await web.post(`/book/${clinic.slug}`, ownerForm(clinic, slot), {
      csrf: null,
    });
    expect(noToken.status).toBe(403);

    const spanish = await web.post(`/book/${clinic.slug}`, {
      ...ownerForm(clinic, slot),
      phone: 'abc',
      lang: 'es',
    });
    expect(spanish.status).toBe(400);
    expect(spanish.text).toContain('<html lang="es">');
    expect(spanish.text).toContain('Su reserva');
  });

  it('never says whose appointment holds a taken time', async () => {
    const slot = slotValue(clinic, clinic.vets[0].id, date, '10:00');
    const { web } = await visitor(t.url, clinic, date);
    const res = await web.post(`/book/${clinic.slug}`, ownerForm(clinic, slot));
    expect(res.status).toBe(409);
    expect(res.text).not.toContain(clinic.pets[0].name);
  });

  it('is a 404 for an unknown clinic and for one that did not opt in', async () => {
    const closed = await createClinic();
    const web = new WebClient(t.url);
    expect((await web.get(`/book/${closed.slug}`)).status).toBe(404);
    expect((await web.get(`/book/no-such-clinic-here`)).status).toBe(404);
    expect((await web.get(`/book/${encodeURIComponent('../c/x')}`)).status).toBe(404);
    await web.get(`/book/${clinic.slug}`);
    const post = await web.post(
      `/book/${closed.slug}`,
      ownerForm(closed, slotValue(closed, closed.vets[0].id, date, '10:00')),
    );
    expect(post.status).toBe(404);
  });

  it('treats a link of one clinic on another clinic as invalid', async () => {
    const other = await createClinic();
    await openOnlineBooking(other);
    const web = new WebClient(t.url);
    const res = await web.get(`/book/${other.slug}/confirm/${'a'.repeat(43)}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('This link is no longer valid');
  });

  it('opens in the clinic settings, where the manager chooses the types and people offered', async () => {
    const fresh = await createClinic();
    const web = new WebClient(t.url);
    expect((await web.get(`/book/${fresh.slug}`)).status).toBe(404);
    const manager = new WebClient(t.url);
    await manager.signIn(fresh.manager.email);
    const settings = await manager.get(`/c/${fresh.slug}/settings/online`);
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('Owners may book online');
    const saved = await manager.post(`/c/${fresh.slug}/settings/online`, {
      enabled: 'on',
      types: fresh.consult,
      staff: fresh.vets[1].id,
    });
    expect(saved.status).toBe(303);
    const page = await web.get(`/book/${fresh.slug}?date=${dayAhead(fresh, 3)}`);
    expect(page.status).toBe(200);
    expect(new Set(offeredSlots(page.text).map((s) => s.staffId))).toEqual(
      new Set([fresh.vets[1].id]),
    );
    const [audit] = await sql(
      `select after from audit_events where tenant_id = $1 and action = 'settings.online_booking_changed'`,
      [fresh.id],
    );
    expect(audit.after).toMatchObject({ enabled: true, staffIds: [fresh.vets[1].id] });
    // A front desk login cannot change it.
    const desk = new WebClient(t.url);
    await desk.signIn(fresh.frontdesk.email);
    expect((await desk.get(`/c/${fresh.slug}/settings/online`)).status).toBe(404);
  });

  it('confirms by the emailed link: matched to the existing client and pet, then the confirmation is sent', async () => {
    const email = `rosa.${Date.now()}@example.com`;
    const known = await createClient(clinic, {
      firstName: 'Rosa',
      lastName: 'Known',
      email,
      pets: [{ name: 'Toby' }],
    });
    const { web } = await visitor(t.url, clinic, date);
    const form = ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '13:30'), {
      email: email.toUpperCase(),
      petName: 'toby',
      lastName: 'Typed',
    });
    expect((await web.post(`/book/${clinic.slug}`, form)).status).toBe(303);
    const [verification] = await waitForMail(email);
    expect(verification.text).toContain(clinic.name);
    const path = await linkPath(email);

    const owner = new WebClient(t.url);
    const pending = await owner.get(path);
    expect(pending.status).toBe(200);
    expect(pending.text).toContain('Confirm your booking');
    expect(pending.text).toMatch(/13:30|1:30\sPM/);
    expect(pending.text).toContain('toby');
    const done = await owner.post(path.split('?')[0], {});
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your booking is confirmed');
    expect(owner.cookie('vetlane.sid')).toBeUndefined();

    const [row] = await sql(
      `select a.client_id, a.pet_id, a.status as appointment, b.status from online_bookings b
         join appointments a on a.tenant_id = b.tenant_id and a.id = b.appointment_id
        where b.tenant_id = $1 and lower(b.email) = lower($2)`,
      [clinic.id, email],
    );
    expect(row).toEqual({
      client_id: known.id,
      pet_id: known.pets[0].id,
      appointment: 'confirmed',
      status: 'confirmed',
    });
    const [{ typed }] = await sql(
      `select count(*)::int as typed from clients where tenant_id = $1 and last_name = 'Typed'`,
      [clinic.id],
    );
    expect(typed).toBe(0);
    const mails = await waitForMail(email, { count: 2 });
    expect(mails.map((m) => m.subject).join(' | ')).toMatch(/confirm/i);

    // The link again: still confirmed, nothing changes.
    const again = await owner.post(path.split('?')[0], {});
    expect(again.status).toBe(200);
    expect(again.text).toContain('Your booking is confirmed');
  });

  it('gives a new pet to the existing client when the pet is not known', async () => {
    const email = `pablo.${Date.now()}@example.com`;
    const known = await createClient(clinic, { email, pets: [{ name: 'Rex' }] });
    const { web } = await visitor(t.url, clinic, date);
    const form = ownerForm(clinic, slotValue(clinic, clinic.vets[0].id, date, '14:30'), {
      email,
      petName: 'Michi',
      petSpecies: 'cat',
    });
    expect((await web.post(`/book/${clinic.slug}`, form)).status).toBe(303);
    const path = await linkPath(email);
    const owner = new WebClient(t.url);
    await owner.get(path);
    expect((await owner.post(path.split('?')[0], {})).status).toBe(200);
    const pets = await sql(
      `select name, species from pets where tenant_id = $1 and client_id = $2 order by name`,
      [clinic.id, known.id],
    );
    expect(pets).toEqual([
      { name: 'Michi', species: 'cat' },
      { name: 'Rex', species: 'dog' },
    ]);
  });

  it("puts the clinic's online requests in its export, without their tokens", async () => {
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    const res = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, {
      headers: { cookie: `vetlane.sid=${manager.cookie('vetlane.sid')}` },
    });
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'online-export-'));
    try {
      writeFileSync(join(dir, 'export.zip'), Buffer.from(await res.arrayBuffer()));
      execFileSync('unzip', ['-q', join(dir, 'export.zip'), '-d', join(dir, 'out')]);
      const lines = readFileSync(join(dir, 'out', 'data', 'online_bookings.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const [{ n }] = await sql(
        'select count(*)::int as n from online_bookings where tenant_id = $1',
        [clinic.id],
      );
      expect(lines).toHaveLength(n);
      expect(n).toBeGreaterThan(3);
      expect(Object.keys(lines[0])).not.toContain('token_hash');
      const appointments = readFileSync(join(dir, 'out', 'data', 'appointments.jsonl'), 'utf8');
      expect(appointments).toContain('"source":"online"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is open on the demo for hospital-veterinario-norte and pet-spa-deluxe only, each in its language', async () => {
    const web = new WebClient(t.url);
    for (const slug of ['hospital-veterinario-norte', 'pet-spa-deluxe']) {
      const page = await web.get(`/book/${slug}`);
      expect({ slug, status: page.status }).toEqual({ slug, status: 200 });
      expect(page.text).toMatch(
        /<select id="typeId" name="typeId"[^>]*>\s*<option value="[0-9a-f-]{36}"/,
      );
    }
    const norte = await web.get('/book/hospital-veterinario-norte');
    expect(norte.text).toContain('<html lang="es">');
    expect(norte.text).toContain('Pida cita en');
    const english = await web.get('/book/hospital-veterinario-norte?lang=en');
    expect(english.text).toContain('Book an appointment at');
    expect((await web.get('/book/clinica-veterinaria-centro')).status).toBe(404);
  });
});
