import type { Logger } from 'pino';
import type { TenantDb, TenantTx } from '../database/tenant-db.js';
import { isLocale, type Locale, type Translator } from '../i18n/i18n.js';
import type { MessageJob } from './job-queue.js';
import { optOutKindOf } from './message-kinds.js';
import type { MessageLinks } from './message-links.js';
import { MessageQueries, type MessageRow } from './message.queries.js';
import type { MessageContent, MessageRenderer } from './message-renderer.js';
import type { Mailer, OutgoingMail } from './mailer.js';

/** Why a queued message was not sent (owner_messages.skip_reason). */
type Skip = { skip: string };

const ACTIVE = new Set(['booked', 'confirmed']);

/**
 * Sends one queued message: the queue's worker. In a first transaction the row is locked,
 * checked again (still wanted? not cancelled, moved, past or unsubscribed), rendered and
 * claimed (`sending`, committed before anything leaves), so a second process, a retried job
 * or a crash never sends it twice; the SMTP answer settles it in a second transaction.
 */
export class MessageDelivery {
  constructor(
    private readonly deps: {
      db: TenantDb;
      mailer: Mailer;
      renderer: MessageRenderer;
      links: MessageLinks;
      i18n: Translator;
      log: Logger;
    },
  ) {}

  async deliver(job: MessageJob & { lastAttempt: boolean }): Promise<void> {
    const { db, mailer, log } = this.deps;
    const mail = await db.runFor(job.tenantId, (tx) => this.claim(tx, job.messageId));
    if (!mail) return;
    const delivery = await mailer.deliver(mail);
    const settle = (status: 'sent' | 'bounced' | 'queued' | 'failed', extra = {}) =>
      db.runFor(job.tenantId, (tx) =>
        MessageQueries.settle(tx.manager, tx.tenantId, job.messageId, { status, ...extra }),
      );
    switch (delivery.outcome) {
      case 'sent':
        return settle('sent', { transport: delivery.transport });
      case 'bounced':
        return settle('bounced', { transport: 'smtp', error: delivery.error });
      case 'retry':
        log.warn({ message: job.messageId, error: delivery.error }, 'message not sent yet');
        if (job.lastAttempt) return settle('failed', { transport: 'smtp', error: delivery.error });
        await settle('queued', { error: delivery.error });
        // pg-boss retries the job later, with back-off.
        throw new Error(`message ${job.messageId} not sent: ${delivery.error}`);
    }
  }

  /** The rendered mail if the message is to be sent now, else null (settled as skipped). */
  private async claim(tx: TenantTx, id: string): Promise<OutgoingMail | null> {
    const message = await MessageQueries.lockById(tx, id);
    if (!message || message.status !== 'queued') return null;
    const content = await this.contentOf(tx, message);
    if ('skip' in content) {
      await MessageQueries.settle(tx.manager, tx.tenantId, id, {
        status: 'skipped',
        skipReason: content.skip,
      });
      return null;
    }
    const { subject, text, html } = this.deps.renderer.render(content);
    const to = content.params.to;
    await MessageQueries.claim(tx, id, {
      to,
      toName: content.recipientName,
      locale: content.locale,
      subject,
      text,
      html,
    });
    return {
      to,
      toName: content.recipientName,
      subject,
      text,
      html,
      unsubscribeUrl: content.unsubscribeUrl,
    };
  }

  private async contentOf(tx: TenantTx, m: MessageRow): Promise<MessageContent | Skip> {
    const clinic = await MessageQueries.clinic(tx);
    if (!clinic) return { skip: 'no_clinic' };
    const client = m.clientId ? await MessageQueries.client(tx, m.clientId) : null;
    // A verification goes to the address typed in, whoever it may turn out to be.
    const to = m.kind === 'booking_verification' ? m.toAddress : (client?.email ?? m.toAddress);
    if (!to) return { skip: 'no_address' };
    const optOutKind = optOutKindOf(m.kind);
    if (client && optOutKind && (await MessageQueries.optedOut(tx, client.id, optOutKind)))
      return { skip: 'unsubscribed' };
    const locale: Locale = isLocale(client?.locale)
      ? client.locale
      : isLocale(m.locale)
        ? m.locale
        : clinic.locale;
    const params: Record<string, string> = { to };
    const { i18n } = this.deps;
    if (m.appointmentId) {
      const a = await MessageQueries.appointment(tx, m.appointmentId);
      if (!a) return { skip: 'gone' };
      const past = a.startsAt.getTime() <= Date.now();
      if (m.kind === 'booking_cancellation') {
        if (a.status !== 'cancelled') return { skip: 'not_cancelled' };
      } else if (m.kind !== 'booking_verification' && !ACTIVE.has(a.status))
        return { skip: a.status === 'cancelled' ? 'cancelled' : 'not_active' };
      if (past) return { skip: 'past' };
      if (m.kind === 'appointment_reminder' && a.startsAt.toISOString() !== m.data.startsAt)
        return { skip: 'moved' };
      Object.assign(params, {
        pet: a.petName,
        type: a.typeName,
        staff: a.staffName,
        date: i18n.formatDate(locale, a.startsAt, clinic.timeZone, 'full'),
        time: i18n.formatTime(locale, a.startsAt, clinic.timeZone),
      });
    }
    if (m.vaccinationId) {
      const v = await MessageQueries.vaccination(tx, m.vaccinationId);
      if (!v?.nextDueOn) return { skip: 'gone' };
      if (v.superseded) return { skip: 'vaccinated' };
      const due = new Date(`${v.nextDueOn}T12:00:00Z`);
      Object.assign(params, {
        pet: v.petName,
        product: v.product,
        due: i18n.formatDate(locale, due, 'UTC', 'long'),
      });
    }
    return {
      kind: m.kind,
      locale,
      clinic: { name: clinic.name, address: clinic.address, phone: clinic.phone },
      recipientName: client ? client.firstName : m.toName,
      params,
      actionUrl: typeof m.data.link === 'string' ? m.data.link : null,
      unsubscribeUrl:
        client && optOutKind
          ? this.deps.links.unsubscribeUrl({
              tenantId: tx.tenantId,
              clientId: client.id,
              kind: optOutKind,
            })
          : null,
    };
  }
}
