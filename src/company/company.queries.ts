import type { DataSource } from 'typeorm';
import { firstRow, type TenantTx } from '../database/tenant-db.js';
import type { MembershipRole } from '../tenant/request-context.js';

export interface CompanyClinic {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
}

/** One clinic's row on the company dashboard, before the ratios are worked out. */
export interface ClinicRollupRow {
  tenantId: string;
  slug: string;
  name: string;
  timeZone: string;
  today: number;
  week: number;
  noShows: number;
  pastAppointments: number;
  bookedMinutes: number;
  availableMinutes: number;
  newClients: number;
}

export interface ClinicWeekDay {
  day: string;
  booked: number;
  noShows: number;
}

export interface PractitionerWeek {
  name: string;
  kind: string;
  booked: number;
  bookedMinutes: number;
}

export interface CompanyMembershipRow {
  userId: string;
  name: string;
  email: string;
  slug: string;
  role: MembershipRole;
}

/**
 * Roll-up SQL for one clinic ($1), run for each of a company's clinics inside
 * TenantDb.runForCompany with that clinic set; every table filters `tenant_id = $1`
 * itself. Day and week boundaries are the clinic's local midnight / Monday, from its zone
 * ($2). Appointment ranges read them as `(select … from bounds)`: an InitPlan's value bounds
 * an index range, a column of a joined row made the planner scan the clinic's history.
 */
const CLINIC_BOUNDS = `
  with local_now as (
    select t.id, t.slug, t.name, t.time_zone as tz,
           date_trunc('day', now() at time zone $2::text) as today,
           date_trunc('week', now() at time zone $2::text) as week
      from tenants t where t.id = $1
  ), bounds as (
    select id, slug, name, tz,
           today at time zone tz as day_start, (today + interval '1 day') at time zone tz as day_end,
           week at time zone tz as week_start, (week + interval '7 days') at time zone tz as week_end
      from local_now
  )`;

/** One row per clinic: the numbers on the company dashboard. */
const CLINIC_ROLLUP = `${CLINIC_BOUNDS}
  select b.id as "tenantId", b.slug, b.name, b.tz as "timeZone",
    (select count(*)::int from appointments a
      where a.tenant_id = $1 and a.starts_at >= (select day_start from bounds) and a.starts_at < (select day_end from bounds)
        and a.status <> 'cancelled') as today,
    (select count(*)::int from appointments a
      where a.tenant_id = $1 and a.starts_at >= (select week_start from bounds) and a.starts_at < (select week_end from bounds)
        and a.status <> 'cancelled') as week,
    (select count(*) filter (where a.status = 'no_show')::int from appointments a
      where a.tenant_id = $1 and a.starts_at >= now() - interval '30 days' and a.starts_at < now()
        and a.status <> 'cancelled') as "noShows",
    (select count(*)::int from appointments a
      where a.tenant_id = $1 and a.starts_at >= now() - interval '30 days' and a.starts_at < now()
        and a.status <> 'cancelled') as "pastAppointments",
    (select coalesce(sum(extract(epoch from a.ends_at - a.starts_at) / 60), 0)::int
       from appointments a join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
      where a.tenant_id = $1 and s.takes_appointments
        and a.starts_at >= (select week_start from bounds) and a.starts_at < (select week_end from bounds)
        and a.status not in ('cancelled', 'no_show')) as "bookedMinutes",
    ((select count(*) from staff s where s.tenant_id = $1 and s.active and s.takes_appointments)
      * (select coalesce(sum(extract(epoch from o.closes - o.opens) / 60), 0)
           from opening_hours o where o.tenant_id = $1))::int as "availableMinutes",
    (select count(*)::int from clients c
      where c.tenant_id = $1 and c.created_at >= now() - interval '30 days') as "newClients"
  from bounds b order by b.name`;

/** Appointments per local day of this week, for one clinic's drill-down. */
const CLINIC_WEEK_DAYS = `${CLINIC_BOUNDS}, week as (
    select (a.starts_at at time zone $2::text)::date as day, a.status from appointments a
     where a.tenant_id = $1
       and a.starts_at >= (select week_start from bounds) and a.starts_at < (select week_end from bounds)
  )
  select to_char(g.day, 'YYYY-MM-DD') as day,
         count(w.status) filter (where w.status <> 'cancelled')::int as booked,
         count(w.status) filter (where w.status = 'no_show')::int as "noShows"
    from bounds b
    cross join generate_series(0, 6) as d(n)
    cross join lateral (select (b.week_start at time zone b.tz + make_interval(days => d.n))::date as day) g
    left join week w on w.day = g.day
   group by g.day order by g.day`;

/** Per practitioner this week, for the drill-down. */
const CLINIC_STAFF_WEEK = `${CLINIC_BOUNDS}
  select s.name, s.kind,
         count(a.id) filter (where a.status not in ('cancelled', 'no_show'))::int as booked,
         coalesce(sum(extract(epoch from a.ends_at - a.starts_at) / 60)
           filter (where a.status not in ('cancelled', 'no_show')), 0)::int as "bookedMinutes"
    from bounds b
    join staff s on s.tenant_id = $1 and s.active and s.takes_appointments
    left join appointments a on a.tenant_id = $1 and a.staff_id = s.id
         and a.starts_at >= (select week_start from bounds) and a.starts_at < (select week_end from bounds)
   group by s.id, s.name, s.kind order by s.name`;

/**
 * SQL of the company module. Directory queries (companies, their tenants and people) take
 * the runtime DataSource; roll-ups run per clinic inside TenantDb.runForCompany.
 */
export const CompanyQueries = {
  /** The company, when the user administers it or `anyCompany` (platform admin). */
  visibleTo(
    db: DataSource,
    slug: string,
    user: { id: string; anyCompany: boolean },
  ): Promise<{ id: string; slug: string; name: string } | null> {
    return firstRow<{ id: string; slug: string; name: string }>(
      db,
      `select c.id, c.slug, c.name from companies c
        where c.slug = $1
          and ($3 or exists (select 1 from company_admins ca where ca.company_id = c.id and ca.user_id = $2))`,
      [slug, user.id, user.anyCompany],
    );
  },

  clinicsOf(db: DataSource, companyId: string): Promise<CompanyClinic[]> {
    return db.query<CompanyClinic[]>(
      `select id, slug, name, time_zone as "timeZone" from tenants
        where company_id = $1 and status = 'active' order by name`,
      [companyId],
    );
  },

  /** Every membership in the company's clinics, by person. */
  memberships(db: DataSource, companyId: string): Promise<CompanyMembershipRow[]> {
    return db.query<CompanyMembershipRow[]>(
      `select u.id as "userId", u.name, u.email, t.slug, m.role
         from memberships m join users u on u.id = m.user_id join tenants t on t.id = m.tenant_id
        where t.company_id = $1 order by u.name, u.email`,
      [companyId],
    );
  },

  /** Whether the user already works at one of the company's clinics or administers it. */
  async worksFor(db: DataSource, companyId: string, userId: string): Promise<boolean> {
    const row = await firstRow<{ inside: boolean }>(
      db,
      `select exists (select 1 from memberships m join tenants t on t.id = m.tenant_id
                       where t.company_id = $1 and m.user_id = $2)
           or exists (select 1 from company_admins ca where ca.company_id = $1 and ca.user_id = $2)
           as inside`,
      [companyId, userId],
    );
    return row?.inside ?? false;
  },

  clinicRollup(tx: TenantTx): Promise<ClinicRollupRow[]> {
    return tx.manager.query<ClinicRollupRow[]>(CLINIC_ROLLUP, [tx.tenantId, tx.tenant.timeZone]);
  },

  clinicWeekDays(tx: TenantTx): Promise<ClinicWeekDay[]> {
    return tx.manager.query<ClinicWeekDay[]>(CLINIC_WEEK_DAYS, [tx.tenantId, tx.tenant.timeZone]);
  },

  practitionersWeek(tx: TenantTx): Promise<PractitionerWeek[]> {
    return tx.manager.query<PractitionerWeek[]>(CLINIC_STAFF_WEEK, [
      tx.tenantId,
      tx.tenant.timeZone,
    ]);
  },
};
