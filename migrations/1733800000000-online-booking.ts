import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { disableTenantRls, enableTenantRls } from './rls.js';

const TABLES = ['online_bookings'];

/**
 * Online booking for owners (issue 14, item 4): the clinic's opt-in (on the directory row, so
 * the public page finds it before any tenant is set), which types and staff are offered, where
 * an appointment came from, and each request made online: its email-verification token (as a
 * sha256), and until when an unverified request may hold its slot.
 */
export class OnlineBooking1733800000000 implements MigrationInterface {
  name = 'OnlineBooking1733800000000';

  async up(q: QueryRunner): Promise<void> {
    // One ALTER TABLE per query, constraints apart from ADD COLUMN: as Citus takes them.
    await q.query(`alter table tenants add column online_booking boolean not null default false`);
    await q.query(
      `alter table appointment_types add column offered_online boolean not null default false`,
    );
    await q.query(`alter table staff add column offered_online boolean not null default false`);
    await q.query(`alter table appointments add column source text not null default 'desk'`);
    await q.query(
      `alter table appointments add constraint appointments_source_check check (source in ('desk', 'online'))`,
    );
    await q.query(`

      -- appointment_id is null once an unverified hold expired (its appointment is gone).
      create table online_bookings (
        tenant_id uuid not null,
        id uuid not null default gen_random_uuid(),
        appointment_id uuid,
        email text not null check (length(email) between 3 and 200),
        locale text not null check (locale in ('en', 'es')),
        token_hash text not null check (length(token_hash) = 64),
        status text not null default 'held' check (status in ('held', 'confirmed', 'expired')),
        hold_expires_at timestamptz not null,
        confirmed_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, token_hash)
      );
      create index online_bookings_held_idx on online_bookings (tenant_id, hold_expires_at)
        where status = 'held';
      create index online_bookings_appointment_idx on online_bookings (tenant_id, appointment_id);
      ${TABLES.map(enableTenantRls).join('\n')}
    `);
    await q.query(distributeOnCitus({ tenant: TABLES }));
    await q.query(
      `alter table online_bookings add foreign key (tenant_id) references tenants (id) on delete cascade`,
    );
    await q.query(
      `alter table online_bookings add foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete cascade`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${disableTenantRls('online_bookings')}
      drop table online_bookings;
    `);
    await q.query(`alter table appointments drop column source`);
    await q.query(`alter table staff drop column offered_online`);
    await q.query(`alter table appointment_types drop column offered_online`);
    await q.query(`alter table tenants drop column online_booking`);
  }
}
