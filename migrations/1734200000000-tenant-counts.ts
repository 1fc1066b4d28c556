import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { enableTenantRls } from './rls.js';

const COLUMNS = `clients, pets, staff, appointments, appointments_month, appointments_7d,
                 appointments_30d, db_bytes, last_activity_at`;

/** Days of the all-clinics chart kept by a count (the page shows 30). */
const DAYS_KEPT = 60;

/**
 * Appointments per UTC day, for one clinic (counted, on its index) or every clinic: then
 * from the last count when it covers the days asked for (`stored`; without it, as
 * 1733600000000 made it: a scan of every clinic's appointments in the days).
 */
function perDayFunction(stored: boolean): string {
  return `
  create or replace function platform_appointments_per_day(from_day date, to_day date, only_tenant uuid default null)
  returns table (day date, appointments bigint)
  language plpgsql stable security definer set search_path = public as $$
  begin
    ${
      stored
        ? `if only_tenant is null and from_day >= (now() at time zone 'UTC')::date - ${DAYS_KEPT - 1}
          and to_day <= (now() at time zone 'UTC')::date and exists (select from appointment_day_counts) then
      return query
      select g.day::date, coalesce(d.appointments, 0)::bigint
        from generate_series(from_day, to_day, interval '1 day') g(day)
        left join appointment_day_counts d on d.day = g.day::date
       order by 1;
      return;
    end if;`
        : ''
    }
    return query
    with d as materialized (
      select (x.starts_at at time zone 'UTC')::date as day, count(*) as n
        from appointments x
       where x.starts_at >= from_day::timestamp at time zone 'UTC'
         and x.starts_at < (to_day + 1)::timestamp at time zone 'UTC'
         and (only_tenant is null or x.tenant_id = only_tenant)
       group by 1
    )
    select g.day::date, coalesce(d.n, 0)::bigint
      from generate_series(from_day, to_day, interval '1 day') g(day)
      left join d on d.day = g.day::date
     order by 1;
  end $$;`;
}

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
 * - The same count stores every clinic's appointments per UTC day of the last 60
 *   (appointment_day_counts, platform-wide: a reference table on Citus), which the
 *   all-clinics chart of platform_appointments_per_day() now reads instead of scanning.
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
      -- Platform-wide (no tenant): every clinic's appointments per UTC day, as of the last count.
      create table appointment_day_counts (
        day date primary key,
        appointments bigint not null,
        counted_at timestamptz not null
      );
      revoke all on appointment_day_counts from vetlane_app;
      grant select, insert, update, delete on appointment_day_counts to vetlane_stats;

      create function platform_count_tenants(min_age_seconds int, wait boolean) returns timestamptz
      language plpgsql volatile security definer set search_path = public as $$
      declare
        last timestamptz;
        today date := (now() at time zone 'UTC')::date;
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
        -- The chart of every clinic's appointments per UTC day, from the same count.
        delete from appointment_day_counts;
        insert into appointment_day_counts (day, appointments, counted_at)
        select (x.starts_at at time zone 'UTC')::date, count(*), now()
          from appointments x
         where x.starts_at >= (today - ${DAYS_KEPT - 1})::timestamp at time zone 'UTC'
           and x.starts_at < (today + 1)::timestamp at time zone 'UTC'
         group by 1;
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
    await q.query(perDayFunction(true));
    for (const fn of ['platform_count_tenants(int, boolean)', 'platform_tenant_counts()'])
      await q.query(`alter function ${fn} owner to vetlane_stats;
                     revoke all on function ${fn} from public;
                     grant execute on function ${fn} to vetlane_app`);
    // On Citus: distributed by tenant_id beside the clinic's other tables (no-op elsewhere).
    await q.query(
      distributeOnCitus({ reference: ['appointment_day_counts'], tenant: ['tenant_counts'] }),
    );
    await q.query(`alter table tenant_counts add foreign key (tenant_id)
                     references tenants (id) on delete cascade`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(perDayFunction(false));
    await q.query(`
      drop function platform_tenant_counts();
      drop function platform_count_tenants(int, boolean);
      drop table tenant_counts;
      drop table appointment_day_counts;
    `);
  }
}
