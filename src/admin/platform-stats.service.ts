import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { TenantThrottle } from '../throttle/tenant-throttle.js';
import { filterAndSort, type TableQuery } from './tenant-table.js';
import { type Tier, tierOf } from './tenant-tier.js';

export interface TenantStatsRow {
  id: string;
  slug: string;
  name: string;
  company: string | null;
  plan: string;
  status: string;
  clients: number;
  pets: number;
  staff: number;
  appointments: number;
  appointmentsMonth: number;
  appointments7d: number;
  appointments30d: number;
  tier: Tier;
  dbBytes: number;
  objectBytes: number;
  lastActivityAt: string | null;
  throttledToday: number;
}

type BaseRow = Omit<TenantStatsRow, 'throttledToday'>;

export interface PlatformTotals {
  tenants: number;
  companies: number;
  appointments: number;
  appointmentsMonth: number;
  appointments7d: number;
  databaseBytes: number;
  activeConnections: number;
  maxConnections: number;
}

export interface DayCount {
  day: string;
  appointments: number;
}

/**
 * The platform admin's numbers. Counts come from the trigger-kept counters through
 * SECURITY DEFINER functions that return numbers only (never names of clients, notes or
 * files); names of tenants and companies come from the directory. Cached in Redis with a
 * short TTL (ADMIN_STATS_TTL_SECONDS), shared by every app process.
 */
@Injectable()
export class PlatformStatsService {
  private memo?: { at: number; rows: BaseRow[]; sorted: Map<string, BaseRow[]> };

  constructor(
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly cache: CacheService,
    private readonly throttle: TenantThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async tenants(): Promise<TenantStatsRow[]> {
    const [rows, refusals] = await Promise.all([this.tenantRows(), this.throttle.refusals()]);
    return rows.map((r) => ({ ...r, throttledToday: refusals.get(r.id) ?? 0 }));
  }

  /**
   * The table's rows for a search and sort. Sorting 10,000 rows on every request costs
   * more than the rest of the page, so each order is sorted once per cached snapshot;
   * only the throttled counts (live from Redis) are added per request.
   */
  async table(query: TableQuery): Promise<{ rows: TenantStatsRow[]; all: TenantStatsRow[] }> {
    const [base, refusals] = await Promise.all([this.tenantRows(), this.throttle.refusals()]);
    const withRefusals = (r: BaseRow): TenantStatsRow => ({
      ...r,
      throttledToday: refusals.get(r.id) ?? 0,
    });
    if (query.sort === 'throttledToday') {
      const all = base.map(withRefusals);
      return { rows: filterAndSort(all, query), all };
    }
    const key = `${query.sort}:${query.dir}`;
    let sorted = this.memo?.sorted.get(key);
    if (!sorted) {
      sorted = filterAndSort(base as TenantStatsRow[], { ...query, q: '' }) as BaseRow[];
      this.memo?.sorted.set(key, sorted);
    }
    const found = query.q
      ? filterAndSort(sorted as TenantStatsRow[], query)
      : (sorted as TenantStatsRow[]);
    return {
      rows: found.map((r) => withRefusals(r)),
      all: base as TenantStatsRow[],
    };
  }

  /** The "Database Metrics" of the capacity report, summed from the cached tenant rows. */
  async totals(rows: BaseRow[]): Promise<PlatformTotals> {
    const metrics = await this.cache.remember(
      this.cache.key('admin', 'db-metrics'),
      this.ttl,
      async () => {
        const [m] = await this.db.query(`
        select (select count(*)::int from companies) as companies, database_bytes as "databaseBytes",
               active_connections as "activeConnections", max_connections as "maxConnections"
          from platform_database_metrics()`);
        return { ...m, databaseBytes: Number(m.databaseBytes) } as Pick<
          PlatformTotals,
          'companies' | 'databaseBytes' | 'activeConnections' | 'maxConnections'
        >;
      },
    );
    const sum = (f: (r: BaseRow) => number) => rows.reduce((n, r) => n + f(r), 0);
    return {
      tenants: rows.length,
      appointments: sum((r) => r.appointments),
      appointmentsMonth: sum((r) => r.appointmentsMonth),
      appointments7d: sum((r) => r.appointments7d),
      ...metrics,
    };
  }

  /** Appointments per UTC day over the last `days` days, for every tenant or one. */
  appointmentsPerDay(days: number, tenantId?: string): Promise<DayCount[]> {
    const key = this.cache.key('admin', 'per-day', String(days), tenantId ?? 'all');
    return this.cache.remember(key, this.ttl, async () => {
      const rows: { day: string; appointments: string }[] = await this.db.query(
        `select to_char(day, 'YYYY-MM-DD') as day, appointments
           from platform_appointments_per_day(current_date - $1::int + 1, current_date, $2::uuid)`,
        [days, tenantId ?? null],
      );
      return rows.map((r) => ({ day: r.day, appointments: Number(r.appointments) }));
    });
  }

  /** Forgets the cached numbers (this process and Redis): the next read recomputes them. */
  async invalidate(): Promise<void> {
    this.memo = undefined;
    await this.cache.delete(this.cache.key('admin', 'tenant-stats'));
    await this.cache.delete(this.cache.key('admin', 'db-metrics'));
  }

  private get ttl() {
    return this.config.admin.statsTtlSeconds;
  }

  private async tenantRows(): Promise<Omit<TenantStatsRow, 'throttledToday'>[]> {
    // A per-process copy for the same short TTL: fetching and parsing 10,000 rows from Redis on every request costs tens of ms.
    if (this.memo && Date.now() - this.memo.at < this.ttl * 1000) return this.memo.rows;
    const rows = await this.cache.remember(this.cache.key('admin', 'tenant-stats'), this.ttl, () =>
      this.loadTenantRows(),
    );
    this.memo = { at: Date.now(), rows, sorted: new Map() };
    return rows;
  }

  private async loadTenantRows(): Promise<Omit<TenantStatsRow, 'throttledToday'>[]> {
    const rows: Record<string, string | null>[] = await this.db.query(`
      select t.id, t.slug, t.name, c.name as company, t.plan, t.status,
             s.clients, s.pets, s.staff, s.appointments, s.appointments_month, s.appointments_7d,
             s.appointments_30d, s.db_bytes, s.object_bytes, s.last_activity_at
        from tenants t
        left join companies c on c.id = t.company_id
        left join platform_tenant_stats() s on s.tenant_id = t.id`);
    const n = (v: string | null) => Number(v ?? 0);
    return rows.map((r) => ({
      id: r.id!,
      slug: r.slug!,
      name: r.name!,
      company: r.company,
      plan: r.plan!,
      status: r.status!,
      clients: n(r.clients),
      pets: n(r.pets),
      staff: n(r.staff),
      appointments: n(r.appointments),
      appointmentsMonth: n(r.appointments_month),
      appointments7d: n(r.appointments_7d),
      appointments30d: n(r.appointments_30d),
      tier: tierOf(n(r.appointments_30d)),
      dbBytes: n(r.db_bytes),
      objectBytes: n(r.object_bytes),
      lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
    }));
  }
}
