import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { TenantStats1732541000000 } from './1732541000000-tenant-stats.js';
import { STAFF_BOOKING_TRIGGER } from './1732560000000-vet-across-clinics.js';

const COUNTED = ['clients', 'pets', 'staff', 'appointments'];

/** The platform admin's numbers, counted when read (see the class comment). */
const STATS_FUNCTIONS = `
  -- A table's bytes: on Citus the shards' on every node (the coordinator holds none).
  create function platform_table_bytes(rel regclass) returns bigint
  language plpgsql stable security definer set search_path = public as $$
  declare n bigint;
  begin
    if exists (select from pg_extension where extname = 'citus') then
      execute 'select citus_total_relation_size($1)' into n using rel;
      return n;
    end if;
    return pg_total_relation_size(rel);
  end $$;

  -- Numbers only: what the platform admin's table shows, one row per tenant. Windows are
  -- UTC days: this month, the last 7 and 30 days up to today.
  create function platform_tenant_stats()
  returns table (tenant_id uuid, clients bigint, pets bigint, staff bigint, appointments bigint,
                 appointments_month bigint, appointments_7d bigint, appointments_30d bigint,
                 db_bytes bigint, object_bytes bigint, last_activity_at timestamptz)
  language plpgsql stable security definer set search_path = public as $$
  declare
    today date := (now() at time zone 'UTC')::date;
    tomorrow timestamptz := (today + 1)::timestamp at time zone 'UTC';
    month_start timestamptz := date_trunc('month', today)::timestamp at time zone 'UTC';
    month_end timestamptz := (date_trunc('month', today) + interval '1 month')::timestamp at time zone 'UTC';
  begin
    return query
    with a as materialized (
      select x.tenant_id, count(*) as n,
             count(*) filter (where x.starts_at >= month_start and x.starts_at < month_end) as m,
             count(*) filter (where x.starts_at >= tomorrow - interval '7 days' and x.starts_at < tomorrow) as d7,
             count(*) filter (where x.starts_at >= tomorrow - interval '30 days' and x.starts_at < tomorrow) as d30,
             max(x.updated_at) as last
        from appointments x group by x.tenant_id
    ), c as materialized (
      select x.tenant_id, count(*) as n, max(x.updated_at) as last from clients x group by x.tenant_id
    ), p as materialized (
      select x.tenant_id, count(*) as n from pets x group by x.tenant_id
    ), s as materialized (
      select x.tenant_id, count(*) as n from staff x group by x.tenant_id
    ), o as materialized (
      select x.tenant_id, x.object_bytes, x.last_activity_at from tenant_stats x
    ), per_row as materialized (
      select platform_table_bytes('clients')::numeric / greatest((select sum(n) from c), 1) as c,
             platform_table_bytes('pets')::numeric / greatest((select sum(n) from p), 1) as p,
             platform_table_bytes('staff')::numeric / greatest((select sum(n) from s), 1) as st,
             platform_table_bytes('appointments')::numeric / greatest((select sum(n) from a), 1) as a
    )
    select t.id, coalesce(c.n, 0), coalesce(p.n, 0), coalesce(s.n, 0), coalesce(a.n, 0),
           coalesce(a.m, 0), coalesce(a.d7, 0), coalesce(a.d30, 0),
           (coalesce(c.n, 0) * pr.c + coalesce(p.n, 0) * pr.p + coalesce(s.n, 0) * pr.st
            + coalesce(a.n, 0) * pr.a)::bigint,
           coalesce(o.object_bytes, 0), greatest(a.last, c.last, o.last_activity_at)
      from tenants t
      cross join per_row pr
      left join a on a.tenant_id = t.id
      left join c on c.tenant_id = t.id
      left join p on p.tenant_id = t.id
      left join s on s.tenant_id = t.id
      left join o on o.tenant_id = t.id;
  end $$;

  -- Appointments per UTC day, all tenants or one; numbers only.
  create function platform_appointments_per_day(from_day date, to_day date, only_tenant uuid default null)
  returns table (day date, appointments bigint)
  language plpgsql stable security definer set search_path = public as $$
  begin
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
  end $$;

  -- The database's size on every node (Citus) or the one.
  create function platform_database_metrics()
  returns table (database_bytes bigint, active_connections int, max_connections int)
  language plpgsql stable security definer set search_path = public as $$
  declare bytes bigint;
  begin
    if exists (select from pg_extension where extname = 'citus') then
      execute $q$select sum(result::bigint)::bigint
                   from run_command_on_all_nodes('select pg_database_size(current_database())')$q$
        into bytes;
    else
      bytes := pg_database_size(current_database());
    end if;
    return query
    select bytes,
           (select count(*)::int from pg_stat_activity where datname = current_database() and state = 'active'),
           current_setting('max_connections')::int;
  end $$;

  -- The storage module reports object bytes of the current tenant (set_tenant) only.
  create function record_object_bytes(delta bigint) returns void language plpgsql
  security definer set search_path = public as $$
  declare t uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  begin
    if t is null then raise exception 'record_object_bytes needs a tenant' using errcode = '42501'; end if;
    insert into tenant_stats as s (tenant_id, object_bytes, last_activity_at) values (t, delta, now())
    on conflict (tenant_id) do update
      set object_bytes = s.object_bytes + excluded.object_bytes, last_activity_at = excluded.last_activity_at;
  end $$;`;

/**
 * What the app may call (1733110000000: no other definer function). record_object_bytes
 * writes only the current tenant's row; the attachment service calls it since 1733300000000.
 */
const APP_CALLS = [
  'platform_tenant_stats()',
  'platform_appointments_per_day(date, date, uuid)',
  'platform_database_metrics()',
  'record_object_bytes(bigint)',
];

/**
 * The schema as Citus can distribute it (issue 15; STACK-NOTES.md "Citus"), with the same
 * result on plain PostgreSQL:
 * - The platform admin's numbers are counted when read (cached by the app for
 *   ADMIN_STATS_TTL_SECONDS) instead of kept by statement triggers with transition tables,
 *   which Citus cannot run on shards. Counting by tenant_id is what Citus spreads over the
 *   workers; on one machine the cold /admin costs a scan of appointments (test/bench/admin.ts),
 *   and no write in a clinic waits for its counter row any more. tenant_stats keeps only
 *   what no table holds: object bytes and their last activity.
 * - staff_bookings (a vet's time across clinics) is written by the booking code in the
 *   booking's transaction, not by a trigger that reads staff from a shard, and loses its
 *   foreign key to appointments (a reference table cannot point at a distributed one).
 * - Functions Citus can plan: PL/pgSQL instead of parameterised SQL functions, grouped
 *   subqueries on tenant_id instead of correlated ones, sizes summed over the nodes.
 * - On Citus only: directory tables become reference tables, tenant tables are distributed
 *   by tenant_id, colocated, and the foreign keys are added back after.
 */
export class CitusReady1733600000000 implements MigrationInterface {
  name = 'CitusReady1733600000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of COUNTED)
      await q.query(`drop trigger ${t}_stats_ins on ${t}; drop trigger ${t}_stats_del on ${t};
                     drop trigger ${t}_stats_upd on ${t};`);
    await q.query(`
      drop trigger appointments_stats_moved on appointments;
      drop function platform_recompute_stats();
      drop function platform_tenant_stats();
      drop function platform_appointments_per_day(date, date, uuid);
      drop function platform_database_metrics();
      drop function record_object_bytes(bigint);
      drop function platform_roll_stats_windows(date);
      drop function stats_appointments_moved();
      drop function stats_rows_touched();
      drop function stats_rows_deleted();
      drop function stats_rows_inserted();
      drop function stats_apply_days(jsonb);
      drop table tenant_appointment_days;
      drop table stats_window;
      alter table tenant_stats drop column clients, drop column pets, drop column staff,
        drop column appointments, drop column appointments_month, drop column appointments_7d,
        drop column appointments_30d;
      ${STATS_FUNCTIONS}

      drop trigger appointments_staff_booking on appointments;
      drop function sync_staff_booking();
      alter table staff_bookings drop constraint staff_bookings_tenant_id_appointment_id_fkey;
    `);
    for (const fn of [...APP_CALLS, 'platform_table_bytes(regclass)'])
      await q.query(
        `alter function ${fn} owner to vetlane_stats; revoke all on function ${fn} from public`,
      );
    for (const fn of APP_CALLS) await q.query(`grant execute on function ${fn} to vetlane_app`);
    await q.query(
      distributeOnCitus({
        reference: [
          'companies',
          'tenants',
          'users',
          'memberships',
          'company_admins',
          'api_tokens',
          'staff_bookings',
        ],
        tenant: [
          'staff',
          'clients',
          'pets',
          'rooms',
          'appointment_types',
          'opening_hours',
          'closures',
          'appointments',
          'medical_records',
          'medical_record_addenda',
          'vaccinations',
          'attachments',
          'audit_events',
          'tenant_stats',
          'user_calendar_prefs',
          // 1733500000000-billing's tables: its own call waits until staff is distributed here.
          'price_items',
          'charges',
          'invoices',
          'invoice_lines',
          'invoice_counters',
          'payments',
        ],
      }),
    );
  }

  /** Back to the trigger-kept counters (rebuilt from the tables) and staff_bookings' trigger. */
  async down(q: QueryRunner): Promise<void> {
    const objects: { tenant_id: string; object_bytes: string }[] = await q.query(
      'select tenant_id, object_bytes from tenant_stats where object_bytes <> 0',
    );
    await q.query(`
      drop function platform_tenant_stats();
      drop function platform_appointments_per_day(date, date, uuid);
      drop function platform_database_metrics();
      drop function record_object_bytes(bigint);
      drop function platform_table_bytes(regclass);
      drop table tenant_stats;
      delete from staff_bookings b where not exists
        (select 1 from appointments a where a.tenant_id = b.tenant_id and a.id = b.appointment_id);
      alter table staff_bookings add foreign key (tenant_id, appointment_id)
        references appointments (tenant_id, id) on delete cascade;
    `);
    await q.query(STAFF_BOOKING_TRIGGER);
    await new TenantStats1732541000000().up(q);
    await q.query('revoke all on function record_object_bytes(bigint) from vetlane_app');
    for (const o of objects)
      await q.query('update tenant_stats set object_bytes = $2 where tenant_id = $1', [
        o.tenant_id,
        o.object_bytes,
      ]);
  }
}
