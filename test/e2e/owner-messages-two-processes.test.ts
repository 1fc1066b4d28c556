import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantDb } from '../../src/database/tenant-db.js';
import { MessageDelivery } from '../../src/message/message-delivery.js';
import { MessageRelay as MessageRelayAccess } from '../../src/message/message-relay.js';
import { OwnerMessages } from '../../src/message/owner-messages.service.js';
import { startTestApp, type TestApp } from '../harness/app.js';
import { book, createClient, createClinic, type TestClinic, uniq } from '../harness/factories.js';
import { mailTo, waitForMail } from '../harness/mail-server.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

async function sql(text: string, params: unknown[] = []) {
  return (await adminQuery(superuserUrl(), text, params)).rows;
}

/**
 * Two app instances on one database, each with its own pg-boss workers and relay (and the
 * run's shared app a third): every message still leaves once.
 */
describe('owner messages with several app processes', () => {
  let a: TestApp;
  let b: TestApp;
  let clinic: TestClinic;
  let slot = 0;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    clinic = await createClinic();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  /** A client with an email and an appointment in the future, and its queued confirmation's id. */
  async function queuedConfirmation(app: TestApp, sendIn = '0 seconds') {
    const email = `twice-${uniq()}@example.test`;
    const client = await createClient(clinic, { email, pets: [{ name: `Kira-${uniq()}` }] });
    const startsAt = new Date(Date.UTC(2032, 0, 5, 9, 0) + slot++ * 30 * 60_000);
    const appointmentId = await book(clinic, {
      startsAt,
      pet: client.pets[0],
      staffId: clinic.vets[1].id,
    });
    // Queued and moved to its time in one transaction: no relay (three processes, every
    // 200 ms) sees it due in between, when it is to be due later.
    const [id] = await app.app.get(TenantDb).runFor(clinic.id, async (tx) => {
      const ids = await app.app
        .get(OwnerMessages)
        .enqueue(tx, { kind: 'booking_confirmation', appointmentId });
      await tx.manager.query(
        `update owner_messages set send_at = now() + $3::interval where tenant_id = $1 and id = $2`,
        [clinic.id, ids[0], sendIn],
      );
      return ids;
    });
    return { id, email };
  }

  it('sends each of many messages once while two processes relay and work the queue', async () => {
    const queued = [];
    for (let i = 0; i < 12; i++) queued.push(await queuedConfirmation(i % 2 ? a : b));
    for (const { email } of queued) await waitForMail(email);
    // Every relay has had several passes since: nothing more arrives for anyone.
    await Promise.all([a, b].map((app) => app.app.get(MessageRelayAccess).relayNow()));
    for (const { email, id } of queued) {
      expect(await mailTo(email)).toHaveLength(1);
      expect(
        (await sql('select status, attempts from owner_messages where id = $1', [id]))[0],
      ).toEqual({
        status: 'sent',
        attempts: 1,
      });
    }
  });

  it('sends a message once when both processes run its job at the same moment', async () => {
    // Due in an hour: no relay hands it over, the test runs the job itself, twice at once.
    const { id, email } = await queuedConfirmation(a, '1 hour');
    const job = { tenantId: clinic.id, messageId: id, lastAttempt: false };
    await Promise.all([
      a.app.get(MessageDelivery).deliver(job),
      b.app.get(MessageDelivery).deliver(job),
    ]);
    expect(await mailTo(email)).toHaveLength(1);
    expect(
      (await sql('select status, attempts from owner_messages where id = $1', [id]))[0],
    ).toEqual({
      status: 'sent',
      attempts: 1,
    });
  });

  it('keeps one job per message when both relays hand it over', async () => {
    const { id } = await queuedConfirmation(a, '1 hour');
    const later = new Date(Date.now() + 3_600_000);
    await Promise.all([
      a.infra.queue.send([{ job: { tenantId: clinic.id, messageId: id }, startAfter: later }]),
      b.infra.queue.send([{ job: { tenantId: clinic.id, messageId: id }, startAfter: later }]),
    ]);
    expect((await sql('select count(*)::int as n from pgboss.job where id = $1', [id]))[0].n).toBe(
      1,
    );
  });
});
