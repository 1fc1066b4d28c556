import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MessageDelivery } from '../../src/message/message-delivery.js';
import { startTestApp, type TestApp } from '../harness/app.js';
import { book, createClient, createClinic, type TestClinic, uniq } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { waitForMail } from '../harness/mail-server.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

async function sql(text: string, params: unknown[] = []) {
  return (await adminQuery(superuserUrl(), text, params)).rows;
}

async function until(check: () => Promise<unknown>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the delivery log, the week and the settings', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let manager: WebClient;

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'Europe/Madrid' });
    manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
  });

  /** A client with the address, booked through the front desk's form (which queues the confirmation). */
  async function bookedClient(email: string, date: string) {
    const client = await createClient(clinic, { email, pets: [{ name: `Luna-${uniq()}` }] });
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new?petId=${client.pets[0].id}`);
    const res = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: client.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date,
      time: '10:00',
    });
    expect(res.status).toBe(303);
    return client;
  }

  it('shows the client what was sent and what bounced, and the manager the week', async () => {
    const good = await bookedClient(`log-${uniq()}@example.test`, '2031-06-02');
    const bad = await bookedClient(`bounce-${uniq()}@example.test`, '2031-06-03');
    await until(
      async () =>
        (
          await sql(
            `select 1 from owner_messages where client_id = any($1) and status in ('sent', 'bounced')`,
            [[good.id, bad.id]],
          )
        ).length === 2,
    );
    const goodPage = await manager.get(`/c/${clinic.slug}/clients/${good.id}`);
    expect(goodPage.text).toMatch(/data-status="sent"[^]*Booking confirmations/);
    expect(goodPage.text).toContain('data-testid="messages-link"');
    const badPage = await manager.get(`/c/${clinic.slug}/clients/${bad.id}`);
    expect(badPage.text).toContain('data-status="bounced"');
    expect(badPage.text).toContain('No such mailbox');

    const week = await manager.get(`/c/${clinic.slug}/messages`);
    expect(week.status).toBe(200);
    expect(week.text).toContain('data-count="sent">1<');
    expect(week.text).toContain('data-count="bounced">1<');
    const [{ id }] = await sql(
      `select id from owner_messages where client_id = $1 and kind = 'booking_confirmation'`,
      [good.id],
    );
    const opened = await manager.get(`/c/${clinic.slug}/messages/${id}`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('data-testid="message-text"');

    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    expect((await desk.get(`/c/${clinic.slug}/messages`)).status).toBe(404);
    const other = await createClinic();
    const stranger = new WebClient(t.url);
    await stranger.signIn(other.manager.email);
    expect((await stranger.get(`/c/${other.slug}/messages/${id}`)).status).toBe(404);
    expect((await manager.get(`/c/${clinic.slug}/messages/not-an-id`)).status).toBe(404);
  });

  it('lets the manager set the reminder hours, refusing nonsense with a message', async () => {
    await manager.get(`/c/${clinic.slug}/settings/messages`);
    const bad = await manager.post(`/c/${clinic.slug}/settings/messages`, {
      reminderHoursBefore: 'soon',
      recallDaysBefore: '10',
      recallSecondDaysBefore: '20',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a whole number');
    const backwards = await manager.post(`/c/${clinic.slug}/settings/messages`, {
      reminderHoursBefore: '24',
      recallDaysBefore: '10',
      recallSecondDaysBefore: '20',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('The second reminder must come after the first');
    const ok = await manager.post(`/c/${clinic.slug}/settings/messages`, {
      reminderHoursBefore: '48',
      recallDaysBefore: '21',
      recallSecondDaysBefore: '3',
    });
    expect(ok.status).toBe(303);
    const client = await bookedClient(`hours-${uniq()}@example.test`, '2031-06-10');
    const [reminder] = await sql(
      `select send_at from owner_messages where client_id = $1 and kind = 'appointment_reminder'`,
      [client.id],
    );
    // 10:00 in Madrid (summer: UTC+2) less 48 hours.
    expect(reminder.send_at.toISOString()).toBe('2031-06-08T08:00:00.000Z');
  });

  it("puts the clinic's messages and opt-outs in its export", async () => {
    const [someone] = await sql(`select id from clients where tenant_id = $1 limit 1`, [clinic.id]);
    await sql(
      `insert into message_opt_outs (tenant_id, client_id, kind) values ($1, $2, 'appointment_reminder')`,
      [clinic.id, someone.id],
    );
    const res = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, {
      headers: { cookie: `vetlane.sid=${manager.cookie('vetlane.sid')}` },
    });
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'vetlane-msg-export-'));
    try {
      writeFileSync(join(dir, 'export.zip'), Buffer.from(await res.arrayBuffer()));
      execFileSync('unzip', ['-q', join(dir, 'export.zip'), '-d', join(dir, 'out')]);
      const lines = (name: string) =>
        readFileSync(join(dir, 'out', 'data', `${name}.jsonl`), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
      const ids = (
        await sql(`select id from owner_messages where tenant_id = $1 order by id`, [clinic.id])
      ).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(
        lines('owner_messages')
          .map((m) => m.id)
          .sort(),
      ).toEqual(ids);
      expect(lines('message_opt_outs')).toEqual([
        expect.objectContaining({ client_id: someone.id, kind: 'appointment_reminder' }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the platform admin the queue counts', async () => {
    const admin = new WebClient(t.url);
    await admin.signIn('admin@vetlane.test');
    const page = await admin.get('/admin');
    expect(page.text).toMatch(/data-queue="done">[1-9]/);
    expect(page.text).toContain('data-queue="failed"');
    // Mail leaves by SMTP here: there is no outbox to open.
    expect((await admin.get('/admin/outbox')).status).toBe(404);
  });
});

describe('the local outbox (no SMTP server: embedded mode)', () => {
  let app: TestApp;
  let clinic: TestClinic;

  beforeAll(async () => {
    app = await startTestApp({ SMTP_URL: '' });
    clinic = await createClinic();
  }, 120_000);
  afterAll(() => app?.close());

  it('keeps the message in the app, where the manager and the platform admin open it', async () => {
    const email = `outbox-${uniq()}@example.test`;
    const client = await createClient(clinic, { email, pets: [{ name: 'Nube' }] });
    const appointmentId = await book(clinic, {
      startsAt: new Date('2031-07-01T09:00:00Z'),
      pet: client.pets[0],
    });
    const [{ id }] = await sql(
      `insert into owner_messages (tenant_id, kind, purpose_key, client_id, appointment_id, send_at)
       values ($1, 'booking_confirmation', $2, $3, $4, now() + interval '1 hour') returning id`,
      [clinic.id, `confirmation:${appointmentId}`, client.id, appointmentId],
    );
    // Due in an hour, so no relay takes it: this process's worker runs it now.
    await app.app
      .get(MessageDelivery)
      .deliver({ tenantId: clinic.id, messageId: id, lastAttempt: false });
    const [row] = await sql('select status, transport from owner_messages where id = $1', [id]);
    expect(row).toEqual({ status: 'sent', transport: 'outbox' });

    const manager = new WebClient(app.url);
    await manager.signIn(clinic.manager.email);
    const list = await manager.get(`/c/${clinic.slug}/messages`);
    expect(list.text).toContain('data-testid="outbox-note"');
    expect(list.text).toContain(email);
    const admin = new WebClient(app.url);
    await admin.signIn('admin@vetlane.test');
    const outbox = await admin.get('/admin/outbox');
    expect(outbox.status).toBe(200);
    expect(outbox.text).toContain(`/admin/outbox/${clinic.slug}/${id}`);
    const opened = await admin.get(`/admin/outbox/${clinic.slug}/${id}`);
    expect(opened.text).toContain('Nube');
    await expect(waitForMail(email, { timeoutMs: 1 })).rejects.toThrow();
  });
});
