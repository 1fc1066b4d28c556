import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  createClient,
  createClinic,
  type TestClinic,
  type TestPet,
  uniq,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { mailTo, waitForMail } from '../harness/mail-server.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

// Bodies of many shapes, read field by field in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The clinic's message rows for an appointment, oldest first (as the superuser). */
async function messagesOf(appointmentId: string) {
  const { rows } = await adminQuery(
    superuserUrl(),
    `select kind, status, skip_reason, transport from owner_messages
      where appointment_id = $1 order by created_at, kind`,
    [appointmentId],
  );
  return rows as { kind: string; status: string; skip_reason: string | null }[];
}

async function waitForStatus(appointmentId: string, kind: string, statuses: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = (await messagesOf(appointmentId)).find((m) => m.kind === kind);
    if (row && statuses.includes(row.status)) return row;
    if (Date.now() > deadline)
      throw new Error(`${kind} of ${appointmentId}: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function sql(text: string, params: unknown[] = []) {
  return (await adminQuery(superuserUrl(), text, params)).rows;
}

/** The appointment's reminder falls due in a moment; waits until the relay handed it to pg-boss. */
async function reminderFallsDue(appointmentId: string): Promise<string> {
  const [{ id }] = await sql(
    `update owner_messages set send_at = now() + interval '3 seconds'
      where appointment_id = $1 and kind = 'appointment_reminder' and status = 'queued' returning id`,
    [appointmentId],
  );
  await until(
    async () =>
      (await sql('select relayed_at from owner_messages where id = $1', [id]))[0].relayed_at,
  );
  return id;
}

/** Waits until pg-boss has run (completed) the message's job. */
async function jobDone(messageId: string) {
  await until(
    async () =>
      (await sql(`select state from pgboss.job where id = $1`, [messageId]))[0]?.state ===
      'completed',
  );
}

async function until(check: () => Promise<unknown>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('messages to pet owners', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let token: string;

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'America/New_York', name: `Riverside Vets ${uniq()}` });
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'Messages' });
    token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`/c/${clinic.slug}/settings/api-tokens`)).text,
    )![1];
  });

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

  async function ownerWithPet(email: string): Promise<TestPet> {
    const client = await createClient(clinic, {
      firstName: 'Maria',
      email,
      pets: [{ name: `Rex-${uniq()}` }],
    });
    return client.pets[0];
  }

  const bookFor = (pet: TestPet, date: string, time: string, staff = 0) =>
    api('POST', '/appointments', {
      petId: pet.id,
      staffId: clinic.vets[staff].id,
      typeId: clinic.consult,
      date,
      time,
    });

  it('sends the booking confirmation over SMTP, branded, in clinic time, with a text part and an unsubscribe link', async () => {
    const email = `owner-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-04-08', '09:30');
    expect(booked.status).toBe(201);

    const [mail] = await waitForMail(email);
    expect(mail.subject).toContain(pet.name);
    expect(mail.html).toContain(clinic.name);
    expect(mail.text).toContain('9:30');
    expect(mail.text).toContain('Hello Maria');
    expect(mail.text).toContain('/unsubscribe/');
    expect(
      String(mail.headers.get('list-unsubscribe') ?? JSON.stringify(mail.headers.get('list'))),
    ).toContain('/unsubscribe/');
    const rows = await messagesOf(booked.json.data[0].id);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'booking_confirmation',
          status: 'sent',
          transport: 'smtp',
        }),
        expect.objectContaining({ kind: 'appointment_reminder', status: 'queued' }),
      ]),
    );
  });

  it('sends nothing for a booking that rolled back (a clash with another appointment)', async () => {
    const first = await ownerWithPet(`first-${uniq()}@example.test`);
    const email = `second-${uniq()}@example.test`;
    const second = await ownerWithPet(email);
    expect((await bookFor(first, '2031-04-09', '10:00')).status).toBe(201);
    expect((await bookFor(second, '2031-04-09', '10:00')).status).toBe(409);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select count(*)::int as n from owner_messages m join clients c on c.tenant_id = m.tenant_id and c.id = m.client_id
        where c.email = $1`,
      [email],
    );
    expect(rows[0].n).toBe(0);
  });

  it('records a bounce when the SMTP server refuses the address, and does not retry it', async () => {
    const email = `bounce-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-04-10', '11:00');
    const row = await waitForStatus(booked.json.data[0].id, 'booking_confirmation', [
      'bounced',
      'sent',
    ]);
    expect(row.status).toBe('bounced');
    expect(await mailTo(email)).toEqual([]);
  });

  it('tells the owner of a cancellation and never sends the queued reminder', async () => {
    const email = `cancel-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-04-11', '12:00');
    const id = booked.json.data[0].id;
    await waitForMail(email);
    const cancelled = await api('POST', `/appointments/${id}/status`, { to: 'cancelled' });
    expect(cancelled.status).toBe(200);
    const mails = await waitForMail(email, { count: 2 });
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('confirmed'),
      expect.stringContaining('cancelled'),
    ]);
    expect(await messagesOf(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'appointment_reminder',
          status: 'skipped',
          skip_reason: 'cancelled',
        }),
      ]),
    );
  });

  it('sends the reminder for the new time only when the appointment moves right before the old one fires', async () => {
    const email = `move-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-05-06', '09:00');
    const a = booked.json.data[0];
    await waitForMail(email);
    const oldReminder = await reminderFallsDue(a.id);

    const moved = await api('PATCH', `/appointments/${a.id}`, {
      version: a.version,
      staffId: a.staffId,
      typeId: a.typeId,
      date: '2031-05-06',
      time: '15:40',
      durationMinutes: 20,
    });
    expect(moved.status).toBe(200);
    await jobDone(oldReminder);
    const [old] = await sql('select status, skip_reason from owner_messages where id = $1', [
      oldReminder,
    ]);
    expect(old).toEqual({ status: 'skipped', skip_reason: 'moved' });

    const newReminder = await reminderFallsDue(a.id);
    await jobDone(newReminder);
    const mails = await mailTo(email);
    const reminders = mails.filter((m) => m.subject.startsWith('Reminder'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0].subject).toContain('3:40');
    expect(mails.filter((m) => m.subject.startsWith('Appointment changed'))).toHaveLength(1);
  });

  it('never sends a reminder already handed to the queue once the appointment is cancelled', async () => {
    const email = `late-cancel-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-05-07', '10:00');
    const id = booked.json.data[0].id;
    await waitForMail(email);
    const reminder = await reminderFallsDue(id);
    expect((await api('POST', `/appointments/${id}/status`, { to: 'cancelled' })).status).toBe(200);
    await jobDone(reminder);
    const [row] = await sql('select status, skip_reason from owner_messages where id = $1', [
      reminder,
    ]);
    expect(row.status).toBe('skipped');
    const subjects = (await mailTo(email)).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('Reminder'))).toEqual([]);
  });

  it('honours the unsubscribe link for that client and that kind only; a forged link is a 404', async () => {
    const email = `optout-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    await bookFor(pet, '2031-05-08', '10:00');
    const [mail] = await waitForMail(email);
    const link = /\/unsubscribe\/[A-Za-z0-9_.-]+/.exec(mail.text)![0];

    const page = await new WebClient(t.url).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Booking confirmations');
    expect((await new WebClient(t.url).get(link)).status).toBe(200);
    expect((await new WebClient(t.url).get(`${link.slice(0, -3)}xyz`)).status).toBe(404);

    const again = await bookFor(pet, '2031-05-09', '10:00');
    const id = again.json.data[0].id;
    await until(async () =>
      (await messagesOf(id)).some(
        (m) => m.kind === 'booking_confirmation' && m.status !== 'queued',
      ),
    );
    expect(await messagesOf(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'booking_confirmation',
          status: 'skipped',
          skip_reason: 'unsubscribed',
        }),
        expect.objectContaining({ kind: 'appointment_reminder', status: 'queued' }),
      ]),
    );
    expect(await mailTo(email)).toHaveLength(1);
  });

  it('retries a message the server turns away for now, with back-off, then marks it failed', async () => {
    const email = `tempfail-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const booked = await bookFor(pet, '2031-05-10', '10:00');
    const row = await waitForStatus(booked.json.data[0].id, 'booking_confirmation', [
      'failed',
      'sent',
    ]);
    expect(row.status).toBe('failed');
    const [m] = await sql(
      `select attempts, error from owner_messages where appointment_id = $1 and kind = 'booking_confirmation'`,
      [booked.json.data[0].id],
    );
    // MAIL_RETRY_LIMIT=2 in the harness: the first try and two retries.
    expect(m.attempts).toBe(3);
    expect(m.error).toContain('451');
  });

  it("recalls a vaccination coming due in the owner's clinic language, and not a second time once given", async () => {
    const es = await createClinic({ locale: 'es', timeZone: 'Europe/Madrid' });
    const email = `recall-${uniq()}@example.test`;
    const client = await createClient(es, { firstName: 'Lucía', email, pets: [{ name: 'Toby' }] });
    const vet = new WebClient(t.url);
    await vet.signIn(es.vet.email);
    await vet.get(`/c/${es.slug}/pets/${client.pets[0].id}/records`);
    const today = new Date();
    const iso = (days: number) =>
      new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    const given = await vet.post(`/c/${es.slug}/pets/${client.pets[0].id}/vaccinations`, {
      givenOn: iso(-355),
      product: 'Rabia',
      batch: 'B-1',
      nextDueOn: iso(10),
    });
    expect(given.status).toBe(303);
    const [mail] = await waitForMail(email);
    expect(mail.subject).toContain('Rabia');
    expect(mail.subject).toContain('Toby');
    expect(mail.text).toContain('Hola Lucía');
    const [second] = await sql(
      `select id, status from owner_messages where client_id = $1 and kind = 'vaccination_recall_second'`,
      [client.id],
    );
    expect(second.status).toBe('queued');

    await vet.get(`/c/${es.slug}/pets/${client.pets[0].id}/records`);
    await vet.post(`/c/${es.slug}/pets/${client.pets[0].id}/vaccinations`, {
      givenOn: iso(0),
      product: 'Rabia',
      batch: 'B-2',
      nextDueOn: iso(365),
    });
    await sql(`update owner_messages set send_at = now() where id = $1`, [second.id]);
    await until(
      async () =>
        (await sql('select status from owner_messages where id = $1', [second.id]))[0].status !==
        'queued',
    );
    expect(
      (await sql('select status, skip_reason from owner_messages where id = $1', [second.id]))[0],
    ).toEqual({
      status: 'skipped',
      skip_reason: 'vaccinated',
    });
  });

  it("writes to the client in the language chosen on the client's form, whatever the clinic's", async () => {
    const email = `lang-${uniq()}@example.test`;
    const pet = await ownerWithPet(email);
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/edit`);
    const saved = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}`, {
      firstName: 'Maria',
      lastName: 'Owner',
      email,
      locale: 'es',
    });
    expect(saved.status).toBe(303);
    expect((await desk.get(`/c/${clinic.slug}/clients/${pet.clientId}/edit`)).text).toContain(
      '<option value="es" selected',
    );
    await bookFor(pet, '2031-05-12', '16:00');
    const [mail] = await waitForMail(email);
    expect(mail.subject).toContain('Cita confirmada');
    expect(mail.text).toContain('Hola Maria');
    expect(mail.text).toContain('16:00');
    const bad = await desk.post(`/c/${clinic.slug}/clients/${pet.clientId}`, {
      firstName: 'Maria',
      lastName: 'Owner',
      locale: 'klingon',
    });
    expect(bad.status).toBe(400);
  });
});
