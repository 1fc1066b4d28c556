import type { DataSource } from 'typeorm';

/** Database-wide numbers for the platform admin (SECURITY DEFINER function; counts only). */
export interface DatabaseMetrics {
  companies: number;
  databaseBytes: number;
  activeConnections: number;
  maxConnections: number;
}

/**
 * The tenant rows as one JSON text of columns (no repeated keys): ~1.6 MB for 10,000 tenants.
 * The numbers are the last count's (platform_count_tenants), a row per clinic: reading them
 * never scans a clinic's rows. A clinic made since shows zeros until the next count.
 */
const TENANT_COLUMNS_JSON = `
  select json_build_object(
           'id', array_agg(t.id), 'slug', array_agg(t.slug), 'name', array_agg(t.name),
           'company', array_agg(c.name), 'plan', array_agg(t.plan), 'status', array_agg(t.status),
           'clients', array_agg(coalesce(s.clients, 0)), 'pets', array_agg(coalesce(s.pets, 0)),
           'staff', array_agg(coalesce(s.staff, 0)), 'appointments', array_agg(coalesce(s.appointments, 0)),
           'appointmentsMonth', array_agg(coalesce(s.appointments_month, 0)),
           'appointments7d', array_agg(coalesce(s.appointments_7d, 0)),
           'appointments30d', array_agg(coalesce(s.appointments_30d, 0)),
           'dbBytes', array_agg(coalesce(s.db_bytes, 0)), 'objectBytes', array_agg(coalesce(s.object_bytes, 0)),
           'lastActivityAt', array_agg(to_char(s.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         )::text as columns
    from tenants t
    left join companies c on c.id = t.company_id
    left join platform_tenant_counts() s on s.tenant_id = t.id`;

/** How long a count of every clinic's rows may take (the runtime role's default is 15 s). */
const RECOUNT_TIMEOUT = '5min';

export interface DayCount {
  day: string;
  appointments: number;
}

/**
 * SQL of the platform admin. Every query reads across tenants through SECURITY DEFINER
 * functions that return numbers only, and the directory (tenant and company names), over
 * the runtime DataSource: this is maintenance, not a tenant's unit of work.
 */
export const AdminQueries = {
  /** Every tenant's row, as one JSON text of columns (parsed by the caller, cached as is). */
  async tenantColumnsJson(db: DataSource): Promise<string> {
    const [row] = await db.query<{ columns: string }[]>(TENANT_COLUMNS_JSON);
    return row.columns;
  },

  /**
   * Recounts every clinic's rows into tenant_counts when the last count is older than
   * `minAgeSeconds` (one count at a time across processes; the others return at once, or
   * with `wait` wait for it). A count of 10,000 clinics scans every clinic's
   * appointments: seconds, hence its own statement timeout.
   */
  async recount(db: DataSource, opts: { minAgeSeconds: number; wait: boolean }): Promise<void> {
    await db.transaction(async (m) => {
      await m.query(`set local statement_timeout = '${RECOUNT_TIMEOUT}'`);
      await m.query('select platform_count_tenants($1, $2)', [opts.minAgeSeconds, opts.wait]);
    });
  },

  /** Whether a count has ever been stored (the first one may still be running elsewhere). */
  async counted(db: DataSource): Promise<boolean> {
    const rows = await db.query<unknown[]>('select 1 from platform_tenant_counts() limit 1');
    return rows.length > 0;
  },

  async databaseMetrics(db: DataSource): Promise<DatabaseMetrics> {
    const [row] = await db.query<
      (Omit<DatabaseMetrics, 'databaseBytes'> & { databaseBytes: string })[]
    >(`
      select (select count(*)::int from companies) as companies, database_bytes as "databaseBytes",
             active_connections as "activeConnections", max_connections as "maxConnections"
        from platform_database_metrics()`);
    return { ...row, databaseBytes: Number(row.databaseBytes) };
  },

  /** Appointments per UTC day over the last `days` days, for every tenant or one. */
  async appointmentsPerDay(
    db: DataSource,
    days: number,
    tenantId: string | null,
  ): Promise<DayCount[]> {
    const rows = await db.query<{ day: string; appointments: string }[]>(
      `select to_char(day, 'YYYY-MM-DD') as day, appointments
         from platform_appointments_per_day(current_date - $1::int + 1, current_date, $2::uuid)`,
      [days, tenantId],
    );
    return rows.map((r) => ({ day: r.day, appointments: Number(r.appointments) }));
  },
};
