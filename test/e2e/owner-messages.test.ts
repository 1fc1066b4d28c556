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
});
