import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOG } from '../core.module.js';
import { DataSource } from 'typeorm';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { TenantThrottle } from '../throttle/tenant-throttle.js';
import { filterAndSort, pageOf, search, type TableQuery } from './tenant-table.js';
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
export class PlatformStatsService implements OnApplicationBootstrap {
  private memo?: { at: number; rows: BaseRow[]; sorted: Map<string, BaseRow[]> };
  private refreshing?: Promise<Snapshot>;

  constructor(
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly cache: CacheService,
    private readonly throttle: TenantThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  /** Takes a snapshot at start (in the background) unless Redis already holds one. */
  onApplicationBootstrap() {
    void this.tenantRows().catch((err) =>
      this.log.warn({ err }, 'could not warm the admin numbers'),
    );
  }

  async tenants(): Promise<TenantStatsRow[]> {
    const [rows, refusals] = await Promise.all([this.tenantRows(), this.throttle.refusals()]);
    return rows.map((r) => ({ ...r, throttledToday: refusals.get(r.id) ?? 0 }));
  }

  /**
   * The table's rows for a search and sort (one page of them with `page`). Sorting
   * 10,000 rows on every request costs more than the rest of the page, so each order is
   * sorted once per cached snapshot; the throttled counts (live from Redis) are added to
   * the rows returned only.
   */
  async table(
    query: TableQuery,
    page?: number,
  ): Promise<{
    rows: TenantStatsRow[];
    total: number;
    page: number;
    pages: number;
    all: BaseRow[];
  }> {
    const [base, refusals] = await Promise.all([this.tenantRows(), this.throttle.refusals()]);
    const withRefusals = (r: BaseRow): TenantStatsRow => ({
      ...r,
      throttledToday: refusals.get(r.id) ?? 0,
    });
    let found: (BaseRow | TenantStatsRow)[];
    if (query.sort === 'throttledToday') {
      found = filterAndSort(base.map(withRefusals), query);
    } else {
      const key = `${query.sort}:${query.dir}`;
      let sorted = this.memo?.sorted.get(key);
      if (!sorted) {
        sorted = filterAndSort(base as TenantStatsRow[], { ...query, q: '' }) as BaseRow[];
        this.memo?.sorted.set(key, sorted);
      }
      found = search(sorted, query.q);
    }
    const slice = page === undefined ? { rows: found, page: 1, pages: 1 } : pageOf(found, page);
    return {
      rows: slice.rows.map(withRefusals),
      total: found.length,
      page: slice.page,
      pages: slice.pages,
      all: base,
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
    await this.cache.delete(this.snapshotKey);
    await this.cache.delete(this.cache.key('admin', 'db-metrics'));
  }

  private get ttl() {
    return this.config.admin.statsTtlSeconds;
  }

  /**
   * The tenant rows, stale-while-revalidate: a snapshot younger than the TTL is used as
   * is; an older one is still served while one refresh per process runs in the
   * background, so only a process that finds no snapshot at all waits for the database.
   */
  private async tenantRows(): Promise<BaseRow[]> {
    const fresh = (at: number) => Date.now() - at < this.ttl * 1000;
    if (this.memo && fresh(this.memo.at)) return this.memo.rows;
    const stored = await this.cache.getJson<StoredSnapshot>(this.snapshotKey);
    if (stored) {
      const cached = this.remember({ at: stored.at, columns: stored.columns });
      if (!fresh(cached.at)) void this.refresh().catch(() => undefined);
      return cached.rows;
    }
    return (await this.refresh()).rows;
  }

  private get snapshotKey() {
    return this.cache.key('admin', 'tenant-stats');
  }

  private remember(stored: StoredSnapshot): Snapshot {
    if (this.memo?.at !== stored.at)
      this.memo = { at: stored.at, rows: rowsOf(stored.columns), sorted: new Map() };
    return this.memo;
  }

  private refresh(): Promise<Snapshot> {
    this.refreshing ??= (async (): Promise<Snapshot> => {
      try {
        const at = Date.now();
        // One JSON text from PostgreSQL: cheaper to build and parse than 10,000 rows, and stored as is.
        const [{ columns }] = await this.db.query(TENANT_COLUMNS_JSON);
        await this.cache.setRaw(
          this.snapshotKey,
          `{"at":${at},"columns":${columns}}`,
          SNAPSHOT_KEPT_SECONDS,
        );
        return this.remember({ at, columns: JSON.parse(columns) });
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing!;
  }
}

interface Snapshot {
  at: number;
  rows: BaseRow[];
}

interface StoredSnapshot {
  at: number;
  columns: Columns;
}

/** How long a stale snapshot may still be served (while a refresh runs) before a request waits for the database. */
const SNAPSHOT_KEPT_SECONDS = 24 * 3600;

/** The tenant rows as one JSON text of columns (no repeated keys): ~1.6 MB for 10,000 tenants. */
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
    left join platform_tenant_stats() s on s.tenant_id = t.id`;

type Columns = { [K in keyof Omit<BaseRow, 'tier'>]: (BaseRow[K] | null)[] };

function rowsOf(columns: Columns): BaseRow[] {
  return (columns.id ?? []).map((id, i) => ({
    id: id as string,
    slug: columns.slug[i] as string,
    name: columns.name[i] as string,
    company: columns.company[i] ?? null,
    plan: columns.plan[i] as string,
    status: columns.status[i] as string,
    clients: columns.clients[i] ?? 0,
    pets: columns.pets[i] ?? 0,
    staff: columns.staff[i] ?? 0,
    appointments: columns.appointments[i] ?? 0,
    appointmentsMonth: columns.appointmentsMonth[i] ?? 0,
    appointments7d: columns.appointments7d[i] ?? 0,
    appointments30d: columns.appointments30d[i] ?? 0,
    tier: tierOf(columns.appointments30d[i] ?? 0),
    dbBytes: columns.dbBytes[i] ?? 0,
    objectBytes: columns.objectBytes[i] ?? 0,
    lastActivityAt: columns.lastActivityAt[i] ?? null,
  }));
}
