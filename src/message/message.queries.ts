import { firstRow, type Queryable, returningRows, type TenantTx } from '../database/tenant-db.js';
import type { Locale } from '../i18n/i18n.js';
import type { MessageKind, MessageStatus } from './message-kinds.js';

export interface NewMessage {
  kind: MessageKind;
  purposeKey: string;
  clientId: string | null;
  appointmentId: string | null;
  vaccinationId: string | null;
  toAddress: string | null;
  toName: string | null;
  locale: Locale | null;
  data: Record<string, unknown>;
  sendAt: Date;
}

/** A queued message as stored: what was queued, and how its sending stands. */
export interface MessageRow extends NewMessage {
  id: string;
  status: MessageStatus;
  attempts: number;
}

/** The queued messages of an appointment that a move or cancel makes moot. */
export interface QueuedSkip {
  appointmentId: string;
  kinds: MessageKind[];
  /** The purpose key of the one to keep (the reminder of the start that stays). */
  keep?: string;
  reason: string;
}

/** What a message about an appointment is queued from (MessageQueries.appointmentNotice). */
export interface AppointmentNotice {
  clientId: string;
  startsAt: Date;
  version: number;
  /** The clinic's; null when its row is not there. */
  reminderHoursBefore: number | null;
  /** Only when asked; false otherwise. */
  ownerWasTold: boolean;
}

/** What a message about an appointment says, read when it is sent (not when queued). */
export interface AppointmentFacts {
  id: string;
  clientId: string;
  startsAt: Date;
  status: string;
  version: number;
  petName: string;
  typeName: string;
  staffName: string;
}

export interface ClientFacts {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  locale: Locale | null;
}

export interface VaccinationFacts {
  id: string;
  petId: string;
  clientId: string;
  petName: string;
  product: string;
  nextDueOn: string | null;
  /** A later dose of the same product was given: this one's recall is moot. */
  superseded: boolean;
}

export interface MessageSettings {
  reminderHoursBefore: number;
  recallDaysBefore: number;
  recallSecondDaysBefore: number;
}

export interface ClinicFacts {
  name: string;
  address: string | null;
  phone: string | null;
  timeZone: string;
  locale: Locale;
  reminderHoursBefore: number;
  recallDaysBefore: number;
  recallSecondDaysBefore: number;
}

/** A line of a delivery log. */
export interface MessageLogRow {
  id: string;
  kind: MessageKind;
  status: MessageStatus;
  toAddress: string | null;
  subject: string | null;
  error: string | null;
  skipReason: string | null;
  transport: 'smtp' | 'outbox' | null;
  createdAt: Date;
  sendAt: Date;
  settledAt: Date | null;
}

/** One message as the outbox opens it. */
export interface MessageDetail extends MessageLogRow {
  bodyText: string | null;
  bodyHtml: string | null;
  clientId: string | null;
  /** The language the message was written in (the owner's), for the page that shows it. */
  locale: 'en' | 'es' | null;
}

const LOG_COLUMNS = `id, kind, status, to_address as "toAddress", subject, error, skip_reason as "skipReason",
  transport, created_at as "createdAt", send_at as "sendAt", settled_at as "settledAt"`;

const MESSAGE_COLUMNS = `id, kind, purpose_key as "purposeKey", client_id as "clientId",
  appointment_id as "appointmentId", vaccination_id as "vaccinationId", to_address as "toAddress",
  to_name as "toName", locale, data, send_at as "sendAt", status, attempts`;

/** owner_messages and the facts a message is built from; every query filters by tenant. */
export const MessageQueries = {
  /** Inserts the message unless one with its purpose exists; answers the new id or null. */
  async insert(tx: TenantTx, m: NewMessage): Promise<string | null> {
    const [id] = await MessageQueries.skipAndInsert(tx, { messages: [m] });
    return id ?? null;
  },

  /**
   * One statement for what a change of an appointment does to its messages: the queued ones
   * of `skip.kinds` (but the one to keep) are skipped, and `messages` inserted unless one
   * with their purpose exists; answers the new ids, in order. The skip runs in a CTE: a row
   * it settles is still there for the insert's ON CONFLICT, as when they ran one by one.
   */
  async skipAndInsert(
    tx: TenantTx,
    opts: { skip?: QueuedSkip; messages: NewMessage[] },
  ): Promise<string[]> {
    const statement = MessageQueries.skipAndInsertStatement(tx, opts);
    if (!statement) return [];
    const rows = await returningRows<{ id: string }>(tx.manager, statement.sql, statement.params);
    return opts.messages.length ? rows.map((r) => r.id) : [];
  },

  /** The statement of skipAndInsert (null: nothing to do), for a caller that sends it itself. */
  skipAndInsertStatement(
    tx: TenantTx,
    opts: { skip?: QueuedSkip; messages: NewMessage[] },
  ): { sql: string; params: unknown[] } | null {
    const params: unknown[] = [tx.tenantId];
    const skip = opts.skip
      ? `update owner_messages set status = 'skipped', skip_reason = $${params.push(opts.skip.reason)}, settled_at = now()
          where tenant_id = $1 and appointment_id = $${params.push(opts.skip.appointmentId)}
            and kind = any($${params.push(opts.skip.kinds)}) and status = 'queued'
            and purpose_key <> $${params.push(opts.skip.keep ?? '')}`
      : null;
    if (opts.messages.length === 0) return skip ? { sql: skip, params } : null;
    const values = opts.messages.map((m) => {
      const row = [m.kind, m.purposeKey, m.clientId, m.appointmentId, m.vaccinationId];
      const more = [m.toAddress, m.toName, m.locale, JSON.stringify(m.data), m.sendAt];
      return `($1, ${[...row, ...more].map((v) => `$${params.push(v)}`).join(', ')})`;
    });
    return {
      sql: `${skip ? `with skipped as (${skip}) ` : ''}insert into owner_messages (tenant_id, kind,
         purpose_key, client_id, appointment_id, vaccination_id, to_address, to_name, locale, data, send_at)
       values ${values.join(', ')}
       on conflict (tenant_id, purpose_key) do nothing returning id`,
      params,
    };
  },

  /**
   * What a message about an appointment is queued from, in one statement: its client,
   * start and version, the clinic's reminder lead and, when `told` is asked, whether the
   * owner was told of it (a confirmation or change left, or is leaving). Null when the
   * appointment is not there.
   */
  appointmentNotice(
    tx: TenantTx,
    id: string,
    opts: { told: boolean },
  ): Promise<AppointmentNotice | null> {
    return firstRow<AppointmentNotice>(
      tx.manager,
      `select a.client_id as "clientId", a.starts_at as "startsAt", a.version,
              (select reminder_hours_before from tenants where id = $1) as "reminderHoursBefore",
              $3::boolean and exists (select 1 from owner_messages m
                 where m.tenant_id = $1 and m.appointment_id = $2 and m.status in ('sent', 'sending')
                   and m.kind in ('booking_confirmation', 'booking_change')) as "ownerWasTold"
         from appointments a where a.tenant_id = $1 and a.id = $2`,
      [tx.tenantId, id, opts.told],
    );
  },

  /** The message, locked for this transaction: one process works on it at a time. */
  lockById(tx: TenantTx, id: string): Promise<MessageRow | null> {
    return firstRow<MessageRow>(
      tx.manager,
      `select ${MESSAGE_COLUMNS} from owner_messages where tenant_id = $1 and id = $2 for update`,
      [tx.tenantId, id],
    );
  },

  async markRelayed(tx: TenantTx, ids: string[]): Promise<void> {
    await tx.manager.query(
      `update owner_messages set relayed_at = now() where tenant_id = $1 and id = any($2::uuid[]) and relayed_at is null`,
      [tx.tenantId, ids],
    );
  },

  async settle(
    db: Queryable,
    tenantId: string,
    id: string,
    s: {
      status: MessageStatus;
      transport?: 'smtp' | 'outbox' | null;
      error?: string | null;
      skipReason?: string | null;
    },
  ): Promise<void> {
    // Settled now unless back in the queue: chosen here, not by a CASE around now(), which
    // Citus refuses in an UPDATE (test/integration/schema-rules.test.ts).
    const settledAt = ['queued', 'sending'].includes(s.status) ? 'null' : 'now()';
    await db.query(
      `update owner_messages set status = $3, transport = coalesce($4, transport), error = $5,
              skip_reason = $6, settled_at = ${settledAt}
        where tenant_id = $1 and id = $2`,
      [tenantId, id, s.status, s.transport ?? null, s.error ?? null, s.skipReason ?? null],
    );
  },

  /** Claims the message for sending, keeping what was rendered (the outbox, the log). */
  async claim(
    tx: TenantTx,
    id: string,
    mail: {
      to: string;
      toName: string | null;
      locale: Locale;
      subject: string;
      text: string;
      html: string;
    },
  ): Promise<void> {
    await tx.manager.query(
      `update owner_messages set status = 'sending', attempts = attempts + 1, to_address = $3,
              to_name = $4, locale = $5, subject = $6, body_text = $7, body_html = $8
        where tenant_id = $1 and id = $2`,
      [tx.tenantId, id, mail.to, mail.toName, mail.locale, mail.subject, mail.text, mail.html],
    );
  },

  ofClient(tx: TenantTx, clientId: string, limit: number): Promise<MessageLogRow[]> {
    return tx.manager.query(
      `select ${LOG_COLUMNS} from owner_messages where tenant_id = $1 and client_id = $2
        order by created_at desc limit $3`,
      [tx.tenantId, clientId, limit],
    );
  },

  recent(tx: TenantTx, limit: number): Promise<MessageLogRow[]> {
    return tx.manager.query(
      `select ${LOG_COLUMNS} from owner_messages where tenant_id = $1
        order by created_at desc limit $2`,
      [tx.tenantId, limit],
    );
  },

  detail(tx: TenantTx, id: string): Promise<MessageDetail | null> {
    return firstRow<MessageDetail>(
      tx.manager,
      `select ${LOG_COLUMNS}, body_text as "bodyText", body_html as "bodyHtml", client_id as "clientId", locale
         from owner_messages where tenant_id = $1 and id = $2`,
      [tx.tenantId, id],
    );
  },

  /** Messages settled since `since`, by status (the manager's week), and those still queued. */
  async countsSince(tx: TenantTx, since: Date): Promise<Record<MessageStatus, number>> {
    const rows: { status: MessageStatus; n: number }[] = await tx.manager.query(
      `select status, count(*)::int as n from owner_messages
        where tenant_id = $1 and (settled_at >= $2 or status in ('queued', 'sending'))
        group by status`,
      [tx.tenantId, since],
    );
    const counts = { queued: 0, sending: 0, sent: 0, failed: 0, bounced: 0, skipped: 0 };
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  },

  async settings(tx: TenantTx): Promise<MessageSettings> {
    const clinic = await MessageQueries.clinic(tx);
    return {
      reminderHoursBefore: clinic?.reminderHoursBefore ?? 24,
      recallDaysBefore: clinic?.recallDaysBefore ?? 30,
      recallSecondDaysBefore: clinic?.recallSecondDaysBefore ?? 7,
    };
  },

  async saveSettings(tx: TenantTx, s: MessageSettings): Promise<void> {
    await tx.manager.query(
      `update tenants set reminder_hours_before = $2, recall_days_before = $3,
              recall_second_days_before = $4 where id = $1`,
      [tx.tenantId, s.reminderHoursBefore, s.recallDaysBefore, s.recallSecondDaysBefore],
    );
  },

  clinic(tx: TenantTx): Promise<ClinicFacts | null> {
    return firstRow<ClinicFacts>(
      tx.manager,
      `select name, address, phone, time_zone as "timeZone", locale,
              reminder_hours_before as "reminderHoursBefore", recall_days_before as "recallDaysBefore",
              recall_second_days_before as "recallSecondDaysBefore"
         from tenants where id = $1`,
      [tx.tenantId],
    );
  },

  appointment(tx: TenantTx, id: string): Promise<AppointmentFacts | null> {
    return firstRow<AppointmentFacts>(
      tx.manager,
      `select a.id, a.client_id as "clientId", a.starts_at as "startsAt", a.status, a.version,
              p.name as "petName", t.name as "typeName", s.name as "staffName"
         from appointments a
         join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
         join appointment_types t on t.tenant_id = a.tenant_id and t.id = a.type_id
         join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
        where a.tenant_id = $1 and a.id = $2`,
      [tx.tenantId, id],
    );
  },

  client(tx: TenantTx, id: string): Promise<ClientFacts | null> {
    return firstRow<ClientFacts>(
      tx.manager,
      `select id, first_name as "firstName", last_name as "lastName", email::text as email, locale
         from clients where tenant_id = $1 and id = $2`,
      [tx.tenantId, id],
    );
  },

  vaccination(tx: TenantTx, id: string): Promise<VaccinationFacts | null> {
    return firstRow<VaccinationFacts>(
      tx.manager,
      `select v.id, v.pet_id as "petId", p.client_id as "clientId", p.name as "petName", v.product,
              to_char(v.next_due_on, 'YYYY-MM-DD') as "nextDueOn",
              exists (select 1 from vaccinations later
                       where later.tenant_id = v.tenant_id and later.pet_id = v.pet_id
                         and lower(later.product) = lower(v.product) and later.given_on > v.given_on) as superseded
         from vaccinations v join pets p on p.tenant_id = v.tenant_id and p.id = v.pet_id
        where v.tenant_id = $1 and v.id = $2`,
      [tx.tenantId, id],
    );
  },

  async optedOut(tx: TenantTx, clientId: string, kind: MessageKind): Promise<boolean> {
    const row = await firstRow(
      tx.manager,
      `select 1 from message_opt_outs where tenant_id = $1 and client_id = $2 and kind = $3`,
      [tx.tenantId, clientId, kind],
    );
    return row !== null;
  },

  async optOut(tx: TenantTx, clientId: string, kind: MessageKind): Promise<boolean> {
    const rows = await returningRows(
      tx.manager,
      `insert into message_opt_outs (tenant_id, client_id, kind) values ($1, $2, $3)
       on conflict do nothing returning kind`,
      [tx.tenantId, clientId, kind],
    );
    return rows.length > 0;
  },
};
