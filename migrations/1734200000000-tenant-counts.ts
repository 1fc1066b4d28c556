import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { enableTenantRls } from './rls.js';

const COLUMNS = `clients, pets, staff, appointments, appointments_month, appointments_7d,
                 appointments_30d, db_bytes, last_activity_at`;

/**
 * The platform admin's numbers as of the last count (issue 9): counting every clinic's rows
 * when /admin is read took 8.1 s (p50, cold, 10,000 clinics under load) because
 * platform_tenant_stats() scans all appointments, clients and pets. Now a count stores its
 * result in `tenant_counts` (a tenant table: distributed and colocated on Citus, RLS like
 * every other, numbers only) and the admin page reads that table, a row per clinic.
 *
 * - platform_count_tenants(min_age_seconds, wait) recounts when the stored numbers are
 *   older than that, through the same platform_tenant_stats() (counted by tenant_id: what
 *   Citus spreads over its workers; no trigger, which Citus could not run). An advisory
 *   lock lets one count run at a time: a second caller returns at once with the last
 *   count's time, or (wait) waits for the running count and then finds it fresh. The app
 *   calls it on a timer and when a stale snapshot is refreshed.
 * - platform_tenant_counts() returns the stored rows, with object bytes and their last
 *   activity read live from tenant_stats (one small row per clinic).
 */
export class TenantCounts1734200000000 implements MigrationInterface {
  name = 'TenantCounts1734200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table tenant_counts (
        tenant_id uuid not null,
        clients bigint not null,
        pets bigint not null,
        staff bigint not null,
        appointments bigint not null,
        appointments_month bigint not null,
        appointments_7d bigint not null,
        appointments_30d bigint not null,
        db_bytes bigint not null,
        last_activity_at timestamptz,
        counted_at timestamptz not null,
        primary key (tenant_id)
      );
      ${enableTenantRls('tenant_counts')}
      revoke all on tenant_counts from vetlane_app;
      grant select, insert, update, delete on tenant_counts to vetlane_stats;

      create function platform_count_tenants(min_age_seconds int, wait boolean) returns timestamptz
      language plpgsql volatile security definer set search_path = public as $$
      declare last timestamptz;
      begin
        if wait then
          perform pg_advisory_xact_lock(hashtext('platform_count_tenants'));
        elsif not pg_try_advisory_xact_lock(hashtext('platform_count_tenants')) then
          return (select max(counted_at) from tenant_counts);
        end if;
        select max(counted_at) into last from tenant_counts;
        if last is not null and last > now() - make_interval(secs => min_age_seconds) then
          return last;
        end if;
        insert into tenant_counts as k (tenant_id, ${COLUMNS}, counted_at)
        select s.tenant_id, s.clients, s.pets, s.staff, s.appointments, s.appointments_month,
               s.appointments_7d, s.appointments_30d, s.db_bytes, s.last_activity_at, now()
          from platform_tenant_stats() s
        on conflict (tenant_id) do update
          set clients = excluded.clients, pets = excluded.pets, staff = excluded.staff,
              appointments = excluded.appointments, appointments_month = excluded.appointments_month,
              appointments_7d = excluded.appointments_7d, appointments_30d = excluded.appointments_30d,
              db_bytes = excluded.db_bytes, last_activity_at = excluded.last_activity_at,
              counted_at = excluded.counted_at;
        return now();
      end $$;

      create function platform_tenant_counts()
      returns table (tenant_id uuid, clients bigint, pets bigint, staff bigint, appointments bigint,
                     appointments_month bigint, appointments_7d bigint, appointments_30d bigint,
                     db_bytes bigint, object_bytes bigint, last_activity_at timestamptz,
                     counted_at timestamptz)
      language plpgsql stable security definer set search_path = public as $$
      begin
        return query
        select k.tenant_id, k.clients, k.pets, k.staff, k.appointments, k.appointments_month,
               k.appointments_7d, k.appointments_30d, k.db_bytes, coalesce(o.object_bytes, 0),
               greatest(k.last_activity_at, o.last_activity_at), k.counted_at
          from tenant_counts k
          left join tenant_stats o on o.tenant_id = k.tenant_id;
      end $$;
    `);
    for (const fn of ['platform_count_tenants(int, boolean)', 'platform_tenant_counts()'])
      await q.query(`alter function ${fn} owner to vetlane_stats;
                     revoke all on function ${fn} from public;
                     grant execute on function ${fn} to vetlane_app`);
    // On Citus: distributed by tenant_id beside the clinic's other tables (no-op elsewhere).
    await q.query(distributeOnCitus({ tenant: ['tenant_counts'] }));
    await q.query(`alter table tenant_counts add foreign key (tenant_id)
                     references tenants (id) on delete cascade`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function platform_tenant_counts();
      drop function platform_count_tenants(int, boolean);
      drop table tenant_counts;
    `);
  }
}
