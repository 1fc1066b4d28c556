import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

const COUNTED = [
  ['clients', 'clients'],
  ['pets', 'pets'],
  ['staff', 'staff'],
  ['appointments', 'appointments'],
] as const;

/** Statement-level triggers: one upsert per statement and tenant, even for a 100,000-row COPY. */
function countTriggers(table: string, column: string): string {
  return `
    create trigger ${table}_stats_ins after insert on ${table}
      referencing new table as new_rows for each statement execute function stats_rows_inserted('${column}');
    create trigger ${table}_stats_del after delete on ${table}
      referencing old table as old_rows for each statement execute function stats_rows_deleted('${column}');
    create trigger ${table}_stats_upd after update on ${table}
      referencing new table as new_rows for each statement execute function stats_rows_touched();`;
}

/**
 * Per-tenant counters for the platform admin, kept incrementally by triggers so /admin
 * never counts 10,000 tenants' rows. The counter tables are tenant tables (colocated on
 * Citus) that hold numbers only; the runtime role has no grant on them. Trigger and
 * read functions are SECURITY DEFINER owned by `vetlane_stats` (NOLOGIN, BYPASSRLS, made
 * by bootstrapDatabase), so they work for bulk loads and the admin's cross-tenant view,
 * which only ever gets numbers back.
 */
export class TenantStats1732541000000 implements MigrationInterface {
  name = 'TenantStats1732541000000';

  async up(q: QueryRunner): Promise<void> {
    const [role] = await q.query(`select 1 from pg_roles where rolname = 'vetlane_stats'`);
    if (!role)
      throw new Error(
        'Role vetlane_stats is missing: run bootstrapDatabase (or docker/postgres-init.sh) first',
      );
    await q.query(`
      -- vetlane_stats must be allowed to own functions in this schema.
      grant create on schema public to vetlane_stats;
      create table tenant_stats (
        tenant_id uuid not null references tenants (id) on delete cascade,
        clients bigint not null default 0,
        pets bigint not null default 0,
        staff bigint not null default 0,
        appointments bigint not null default 0,
        -- Windows relative to stats_window.as_of (UTC days), moved once a day by platform_roll_stats_windows().
        appointments_month bigint not null default 0,
        appointments_7d bigint not null default 0,
        appointments_30d bigint not null default 0,
        object_bytes bigint not null default 0,
        last_activity_at timestamptz,
        primary key (tenant_id)
      );
      create table tenant_appointment_days (
        tenant_id uuid not null references tenants (id) on delete cascade,
        day date not null,
        appointments int not null default 0,
        primary key (tenant_id, day)
      );
      -- The day the window columns of tenant_stats are counted for (one row).
      create table stats_window (
        single boolean primary key default true check (single),
        as_of date not null
      );
      insert into stats_window (as_of) values ((now() at time zone 'UTC')::date);
      ${enableTenantRls('tenant_stats')}
      ${enableTenantRls('tenant_appointment_days')}
      revoke all on tenant_stats, tenant_appointment_days, stats_window from vetlane_app;
      grant select, insert, update, delete on tenant_stats, tenant_appointment_days, stats_window to vetlane_stats;
      grant select on tenants, clients, pets, staff, appointments to vetlane_stats;

      -- Adds n appointments (negative: removes) on UTC days, per tenant: the day counts and
      -- the window columns for the days that fall inside the current windows.
      create function stats_apply_days(deltas jsonb) returns void language plpgsql
      security definer set search_path = public as $$
      declare w date := (select as_of from stats_window);
      begin
        with d as (
          select tenant_id, day, sum(n)::int as n
            from jsonb_to_recordset(deltas) as x(tenant_id uuid, day date, n int)
           group by 1, 2 having sum(n) <> 0 order by 1, 2
        ), days as (
          insert into tenant_appointment_days as t (tenant_id, day, appointments)
            select tenant_id, day, n from d
          on conflict (tenant_id, day) do update set appointments = t.appointments + excluded.appointments
        )
        update tenant_stats s
           set appointments_month = s.appointments_month + x.m,
               appointments_7d = s.appointments_7d + x.d7,
               appointments_30d = s.appointments_30d + x.d30
          from (select tenant_id,
                       coalesce(sum(n) filter (where date_trunc('month', day) = date_trunc('month', w)), 0) as m,
                       coalesce(sum(n) filter (where day between w - 6 and w), 0) as d7,
                       coalesce(sum(n) filter (where day between w - 29 and w), 0) as d30
                  from d group by tenant_id) x
         where s.tenant_id = x.tenant_id;
      end $$;

      create function stats_rows_inserted() returns trigger language plpgsql
      security definer set search_path = public as $$
      begin
        execute format(
          'insert into tenant_stats as s (tenant_id, %1$I, last_activity_at)
             select tenant_id, count(*), now() from new_rows group by tenant_id order by tenant_id
           on conflict (tenant_id) do update set %1$I = s.%1$I + excluded.%1$I, last_activity_at = now()',
          tg_argv[0]);
        if tg_table_name = 'appointments' then
          perform stats_apply_days((
            select jsonb_agg(jsonb_build_object('tenant_id', tenant_id, 'day', day, 'n', n))
              from (select tenant_id, (starts_at at time zone 'UTC')::date as day, count(*) as n
                      from new_rows group by 1, 2) g));
        end if;
        return null;
      end $$;

      -- Deletes only update: a tenant being deleted has already lost its counter row.
      create function stats_rows_deleted() returns trigger language plpgsql
      security definer set search_path = public as $$
      begin
        execute format(
          'update tenant_stats s set %1$I = s.%1$I - o.n, last_activity_at = now()
             from (select tenant_id, count(*) as n from old_rows group by tenant_id) o
            where s.tenant_id = o.tenant_id',
          tg_argv[0]);
        if tg_table_name = 'appointments' then
          perform stats_apply_days((
            select jsonb_agg(jsonb_build_object('tenant_id', tenant_id, 'day', day, 'n', -n))
              from (select o.tenant_id, (o.starts_at at time zone 'UTC')::date as day, count(*) as n
                      from old_rows o where exists (select 1 from tenant_stats s where s.tenant_id = o.tenant_id)
                     group by 1, 2) g));
        end if;
        return null;
      end $$;

      create function stats_rows_touched() returns trigger language plpgsql
      security definer set search_path = public as $$
      begin
        update tenant_stats s set last_activity_at = now()
          where s.tenant_id in (select distinct tenant_id from new_rows);
        return null;
      end $$;

      -- A moved appointment moves its count to the new day.
      create function stats_appointments_moved() returns trigger language plpgsql
      security definer set search_path = public as $$
      begin
        perform stats_apply_days((
          select jsonb_agg(x) from (
            select jsonb_build_object('tenant_id', o.tenant_id, 'day', (o.starts_at at time zone 'UTC')::date, 'n', -1) as x
              from old_rows o join new_rows n on n.tenant_id = o.tenant_id and n.id = o.id
             where o.starts_at <> n.starts_at
            union all
            select jsonb_build_object('tenant_id', o.tenant_id, 'day', (n.starts_at at time zone 'UTC')::date, 'n', 1)
              from old_rows o join new_rows n on n.tenant_id = o.tenant_id and n.id = o.id
             where o.starts_at <> n.starts_at) m));
        return null;
      end $$;
      create trigger appointments_stats_moved after update on appointments
        referencing old table as old_rows new table as new_rows
        for each statement execute function stats_appointments_moved();

      ${COUNTED.map(([t, c]) => countTriggers(t, c)).join('\n')}

      -- Moves the windows to a new day: recounts month / 7 / 30 days from the day counts.
      create function platform_roll_stats_windows(today date) returns void language plpgsql
      security definer set search_path = public as $$
      begin
        perform pg_advisory_xact_lock(hashtextextended('vetlane:stats-window', 0));
        if (select as_of from stats_window) = today then return; end if;
        update tenant_stats s
           set appointments_month = coalesce(x.m, 0), appointments_7d = coalesce(x.d7, 0),
               appointments_30d = coalesce(x.d30, 0)
          from tenant_stats s2
          left join (
            select tenant_id,
                   sum(appointments) filter (where date_trunc('month', day) = date_trunc('month', today)) as m,
                   sum(appointments) filter (where day between today - 6 and today) as d7,
                   sum(appointments) filter (where day between today - 29 and today) as d30
              from tenant_appointment_days
             where day >= least(date_trunc('month', today)::date, today - 29)
               and day < (date_trunc('month', today) + interval '1 month')::date
             group by tenant_id) x on x.tenant_id = s2.tenant_id
         where s.tenant_id = s2.tenant_id;
        update stats_window set as_of = today;
      end $$;

      -- Rebuilds every counter from the tables (after this migration, or a bulk load without triggers).
      create function platform_recompute_stats() returns bigint language plpgsql
      security definer set search_path = public as $$
      declare n bigint;
      begin
        delete from tenant_appointment_days;
        delete from tenant_stats;
        insert into tenant_stats (tenant_id, clients, pets, staff, appointments, last_activity_at)
          select t.id,
                 (select count(*) from clients c where c.tenant_id = t.id),
                 (select count(*) from pets p where p.tenant_id = t.id),
                 (select count(*) from staff s where s.tenant_id = t.id),
                 (select count(*) from appointments a where a.tenant_id = t.id),
                 greatest((select max(updated_at) from appointments a where a.tenant_id = t.id),
                          (select max(updated_at) from clients c where c.tenant_id = t.id))
            from tenants t;
        insert into tenant_appointment_days (tenant_id, day, appointments)
          select tenant_id, (starts_at at time zone 'UTC')::date, count(*) from appointments group by 1, 2;
        get diagnostics n = row_count;
        update stats_window set as_of = '-infinity';
        perform platform_roll_stats_windows((now() at time zone 'UTC')::date);
        return n;
      end $$;

      -- Numbers only: what the platform admin's table shows, one row per tenant. Reads the
      -- trigger-kept counters; moves the windows first when the UTC day has changed.
      create function platform_tenant_stats()
      returns table (tenant_id uuid, clients bigint, pets bigint, staff bigint, appointments bigint,
                     appointments_month bigint, appointments_7d bigint, appointments_30d bigint,
                     db_bytes bigint, object_bytes bigint, last_activity_at timestamptz)
      language plpgsql volatile security definer set search_path = public as $$
      declare today date := (now() at time zone 'UTC')::date;
      begin
        if (select as_of from stats_window) <> today then
          perform platform_roll_stats_windows(today);
        end if;
        return query
        with totals as (
          select greatest(sum(s.clients), 1) as c, greatest(sum(s.pets), 1) as p,
                 greatest(sum(s.staff), 1) as st, greatest(sum(s.appointments), 1) as a
            from tenant_stats s
        ), per_row as (
          select pg_total_relation_size('clients')::numeric / t.c as c,
                 pg_total_relation_size('pets')::numeric / t.p as p,
                 pg_total_relation_size('staff')::numeric / t.st as st,
                 pg_total_relation_size('appointments')::numeric / t.a as a
            from totals t
        )
        select s.tenant_id, s.clients, s.pets, s.staff, s.appointments,
               s.appointments_month, s.appointments_7d, s.appointments_30d,
               (s.clients * pr.c + s.pets * pr.p + s.staff * pr.st + s.appointments * pr.a)::bigint,
               s.object_bytes, s.last_activity_at
          from tenant_stats s cross join per_row pr;
      end $$;

      -- Appointments per day, all tenants or one; numbers only.
      create function platform_appointments_per_day(from_day date, to_day date, only_tenant uuid default null)
      returns table (day date, appointments bigint)
      language sql stable security definer set search_path = public as $$
        select g.day::date, coalesce(sum(d.appointments), 0)::bigint
          from generate_series(from_day, to_day, interval '1 day') g(day)
          left join tenant_appointment_days d
            on d.day = g.day::date and (only_tenant is null or d.tenant_id = only_tenant)
         group by g.day order by g.day
      $$;

      create function platform_database_metrics()
      returns table (database_bytes bigint, active_connections int, max_connections int)
      language sql stable security definer set search_path = public as $$
        select pg_database_size(current_database()),
               (select count(*)::int from pg_stat_activity where datname = current_database() and state = 'active'),
               current_setting('max_connections')::int
      $$;

      -- The storage module reports object bytes of the current tenant (set_tenant) only.
      create function record_object_bytes(delta bigint) returns void language plpgsql
      security definer set search_path = public as $$
      declare t uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
      begin
        if t is null then raise exception 'record_object_bytes needs a tenant' using errcode = '42501'; end if;
        insert into tenant_stats as s (tenant_id, object_bytes, last_activity_at) values (t, delta, now())
        on conflict (tenant_id) do update set object_bytes = s.object_bytes + delta, last_activity_at = now();
      end $$;
    `);
    const fns = [
      'stats_apply_days(jsonb)',
      'stats_rows_inserted()',
      'stats_rows_deleted()',
      'stats_rows_touched()',
      'stats_appointments_moved()',
      'platform_roll_stats_windows(date)',
      'platform_recompute_stats()',
      'platform_tenant_stats()',
      'platform_appointments_per_day(date, date, uuid)',
      'platform_database_metrics()',
      'record_object_bytes(bigint)',
    ];
    for (const fn of fns)
      await q.query(
        `alter function ${fn} owner to vetlane_stats; revoke all on function ${fn} from public`,
      );
    for (const fn of fns.slice(7)) await q.query(`grant execute on function ${fn} to vetlane_app`);
    await q.query('select platform_recompute_stats()');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [t] of COUNTED)
      await q.query(`drop trigger ${t}_stats_ins on ${t}; drop trigger ${t}_stats_del on ${t};
                     drop trigger ${t}_stats_upd on ${t};`);
    await q.query(`
      drop trigger appointments_stats_moved on appointments;
      drop function record_object_bytes(bigint);
      drop function platform_database_metrics();
      drop function platform_appointments_per_day(date, date, uuid);
      drop function platform_tenant_stats();
      drop function platform_recompute_stats();
      drop function platform_roll_stats_windows(date);
      drop function stats_appointments_moved();
      drop function stats_rows_touched();
      drop function stats_rows_deleted();
      drop function stats_rows_inserted();
      drop function stats_apply_days(jsonb);
      drop table stats_window;
      drop table tenant_appointment_days;
      drop table tenant_stats;
      revoke create on schema public from vetlane_stats;
    `);
  }
}
