import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantRls, enableTenantRls } from './rls.js';

/**
 * The front desk's day (issue 12): the clinic's default appointment type, each user's
 * calendar columns, arrival and departure times for the today board, the no-show grace
 * period, the clinic's order of calendar columns, and the bytes of thumbnails (so the
 * admin's "Files" column can subtract what a deleted attachment stored).
 */
export class FrontDesk1733300000000 implements MigrationInterface {
  name = 'FrontDesk1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table appointment_types add column is_default boolean not null default false;
      create unique index appointment_types_one_default on appointment_types (tenant_id) where is_default;

      alter table tenants add column no_show_grace_minutes int not null default 15
        check (no_show_grace_minutes between 0 and 240);

      -- The clinic's column order on the calendar; null sorts after (vets first, then by name).
      alter table staff add column calendar_position int;

      alter table appointments add column checked_in_at timestamptz,
        add column checked_out_at timestamptz;

      alter table attachments add column thumbnail_bytes bigint not null default 0
        check (thumbnail_bytes >= 0);

      -- The calendar columns a user chose to see in one clinic (empty = every column).
      create table user_calendar_prefs (
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        staff_ids uuid[] not null default '{}',
        updated_at timestamptz not null default now(),
        primary key (tenant_id, user_id)
      );
      ${enableTenantRls('user_calendar_prefs')}
    `);
    // Uploads before this migration were never counted: count what is stored now, one
    // tenant at a time (RLS is forced on the owner too).
    const tenants = await q.query(`select id from tenants`);
    for (const { id } of tenants as { id: string }[]) {
      await q.query('select set_tenant($1)', [id]);
      await q.query(
        `insert into tenant_stats as s (tenant_id, object_bytes)
         select $1, sum(size_bytes) from attachments where tenant_id = $1 having count(*) > 0
         on conflict (tenant_id) do update set object_bytes = excluded.object_bytes`,
        [id],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${disableTenantRls('user_calendar_prefs')}
      drop table user_calendar_prefs;
      alter table attachments drop column thumbnail_bytes;
      alter table appointments drop column checked_in_at, drop column checked_out_at;
      alter table staff drop column calendar_position;
      alter table tenants drop column no_show_grace_minutes;
      drop index appointment_types_one_default;
      alter table appointment_types drop column is_default;
    `);
  }
}
