import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { enableTenantRls } from './rls.js';

const TABLES = ['owner_messages', 'message_opt_outs'];

/** Every kind of message the clinic sends its clients (src/message/message-kinds.ts). */
const KINDS = [
  'booking_confirmation',
  'booking_change',
  'booking_cancellation',
  'appointment_reminder',
  'vaccination_recall',
  'vaccination_recall_second',
  'booking_verification',
];
const kindCheck = (column: string) =>
  `check (${column} in (${KINDS.map((k) => `'${k}'`).join(', ')}))`;

/**
 * Messages to pet owners (issue 14). A message row is written in the transaction of the
 * change that causes it (book, move, cancel, vaccination given), keyed by its purpose
 * (`reminder:<appointment>:<starts_at>`), so a rolled-back change sends nothing and nothing
 * is sent twice. The relay hands due rows to pg-boss (schema pgboss, installed by pg-boss
 * itself); the row is also the delivery log and, in embedded mode, the local outbox.
 * `due_owner_messages` gives the relay the ids of rows due soon across tenants (ids only).
 */
export class OwnerMessages1733700000000 implements MigrationInterface {
  name = 'OwnerMessages1733700000000';

  async up(q: QueryRunner): Promise<void> {
    // One ALTER TABLE per query, each constraint in an ALTER of its own: as Citus takes them.
    const columns: [table: string, column: string, type: string, check: string][] = [
      ['tenants', 'reminder_hours_before', 'int not null default 24', 'between 0 and 168'],
      ['tenants', 'recall_days_before', 'int not null default 30', 'between 1 and 365'],
      ['tenants', 'recall_second_days_before', 'int not null default 7', 'between 0 and 365'],
      ['clients', 'locale', 'text', "in ('en', 'es')"],
    ];
    for (const [table, column, type, check] of columns) {
      await q.query(`alter table ${table} add column ${column} ${type}`);
      await q.query(
        `alter table ${table} add constraint ${table}_${column}_check check (${column} ${check})`,
      );
    }
    await q.query(`
      create table owner_messages (
        tenant_id uuid not null,
        id uuid not null default gen_random_uuid(),
        kind text not null ${kindCheck('kind')},
        purpose_key text not null check (length(purpose_key) between 1 and 300),
        client_id uuid,
        appointment_id uuid,
        vaccination_id uuid,
        to_address text check (length(to_address) <= 320),
        to_name text check (length(to_name) <= 200),
        locale text check (locale in ('en', 'es')),
        data jsonb not null default '{}',
        send_at timestamptz not null default now(),
        status text not null default 'queued'
          check (status in ('queued', 'sending', 'sent', 'failed', 'bounced', 'skipped')),
        relayed_at timestamptz,
        attempts int not null default 0,
        transport text check (transport in ('smtp', 'outbox')),
        subject text,
        body_text text,
        body_html text,
        error text check (length(error) <= 1000),
        skip_reason text,
        created_at timestamptz not null default now(),
        settled_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, purpose_key)
      );
      create index owner_messages_client_idx on owner_messages (tenant_id, client_id, created_at desc);
      create index owner_messages_settled_idx on owner_messages (tenant_id, settled_at);
      create index owner_messages_due_idx on owner_messages (tenant_id, send_at)
        where status = 'queued' and relayed_at is null;

      create table message_opt_outs (
        tenant_id uuid not null,
        client_id uuid not null,
        kind text not null ${kindCheck('kind')},
        created_at timestamptz not null default now(),
        primary key (tenant_id, client_id, kind)
      );
      ${TABLES.map(enableTenantRls).join('\n')}
      revoke delete on owner_messages from vetlane_app;

      -- The relay's look-up across tenants: ids and times of messages due within \`ahead\`
      -- seconds, nothing of their content.
      create function due_owner_messages(max_rows integer, ahead integer)
      returns table (tenant_id uuid, id uuid, send_at timestamptz)
      language plpgsql stable security definer set search_path = public as $$
      begin
        return query
          select m.tenant_id, m.id, m.send_at from owner_messages m
           where m.status = 'queued' and m.relayed_at is null
             and m.send_at <= now() + make_interval(secs => ahead)
           order by m.send_at limit max_rows;
      end $$;
      grant select on owner_messages to vetlane_stats;
      alter function due_owner_messages(integer, integer) owner to vetlane_stats;
      revoke all on function due_owner_messages(integer, integer) from public;
      grant execute on function due_owner_messages(integer, integer) to vetlane_app;
    `);
    await q.query(distributeOnCitus({ tenant: TABLES }));
    const foreignKeys: [table: string, key: string, parent: string][] = [
      ['owner_messages', 'tenant_id', 'tenants (id)'],
      ['owner_messages', 'tenant_id, client_id', 'clients (tenant_id, id)'],
      ['owner_messages', 'tenant_id, appointment_id', 'appointments (tenant_id, id)'],
      ['owner_messages', 'tenant_id, vaccination_id', 'vaccinations (tenant_id, id)'],
      ['message_opt_outs', 'tenant_id', 'tenants (id)'],
      ['message_opt_outs', 'tenant_id, client_id', 'clients (tenant_id, id)'],
    ];
    for (const [table, key, parent] of foreignKeys)
      await q.query(
        `alter table ${table} add foreign key (${key}) references ${parent} on delete cascade`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function due_owner_messages(integer, integer);
      drop table message_opt_outs;
      drop table owner_messages;
    `);
    await q.query(`alter table clients drop column locale`);
    for (const column of [
      'reminder_hours_before',
      'recall_days_before',
      'recall_second_days_before',
    ])
      await q.query(`alter table tenants drop column ${column}`);
  }
}
