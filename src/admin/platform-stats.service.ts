import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOG } from '../core.module.js';
import { DataSource } from 'typeorm';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { AdminQueries, type DatabaseMetrics, type DayCount } from './admin.queries.js';
import { TenantThrottle } from '../throttle/tenant-throttle.js';
import { filterAndSort, pageOf, search, type TableQuery } from './tenant-table.js';
import { type Tier, tierOf } from './tenant-tier.js';

/** Days of the appointments chart on /admin. */
export const CHART_DAYS = 30;

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

export interface PlatformTotals extends DatabaseMetrics {
  tenants: number;
  appointments: number;
  appointmentsMonth: number;
  appointments7d: number;
}

/**
 * The platform admin's numbers, through SECURITY DEFINER functions that return numbers only
 * (never names of clients, notes or files); names of tenants and companies come from the
 * directory. Every clinic's rows are counted in the background into tenant_counts (every
 * ADMIN_RECOUNT_SECONDS, and while someone watches /admin every ADMIN_STATS_TTL_SECONDS);
 * pages read the last count, cached in Redis for the TTL and shared by every app process,
 * so no request waits for a count but the very first one of a new database.
 */
@Injectable()
export class PlatformStatsService implements OnApplicationBootstrap, OnModuleDestroy {
  private memo?: { at: number; rows: BaseRow[]; sorted: Map<string, BaseRow[]> };
  private refreshing?: Promise<Snapshot>;
  private loading?: Promise<Snapshot>;
  private timer?: NodeJS.Timeout;

  constructor(
    // Raw runtime DataSource: numbers across every tenant (SECURITY DEFINER functions, counts only).
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly cache: CacheService,
    private readonly throttle: TenantThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  /** Takes a snapshot at start (in the background) unless Redis already holds one; recounts on a timer. */
  onApplicationBootstrap() {
    void this.tenantRows().catch((err) =>
      this.log.warn({ err }, 'could not warm the admin numbers'),
    );
    this.timer = setInterval(() => {
      const minAgeSeconds = this.config.admin.recountSeconds;
      void AdminQueries.recount(this.db, { minAgeSeconds, wait: false })
        .then(() => this.load())
        .catch((err) => this.log.warn({ err }, 'could not recount the admin numbers'));
    }, this.config.admin.recountSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  /** Every clinic as the directory has it now (not the cached numbers): the outbox's list. */
  clinics(): Promise<{ id: string; slug: string; name: string }[]> {
    return this.db.query('select id, slug, name from tenants order by name');
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
    const metrics = await this.cache.remember(this.cache.key('admin', 'db-metrics'), this.ttl, () =>
      AdminQueries.databaseMetrics(this.db),
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
    return this.cache.remember(key, this.ttl, () =>
      AdminQueries.appointmentsPerDay(this.db, days, tenantId ?? null),
    );
  }

  /** Forgets the cached numbers (this process and Redis): the next read recomputes them. */
  async invalidate(): Promise<void> {
    this.memo = undefined;
    await this.cache.delete(this.snapshotKey);
    await this.cache.delete(this.cache.key('admin', 'db-metrics'));
    await this.cache.delete(this.cache.key('admin', 'per-day', String(CHART_DAYS), 'all'));
  }

  private get ttl() {
    return this.config.admin.statsTtlSeconds;
  }

  /**
   * The tenant rows, stale-while-revalidate: a snapshot younger than the TTL is used as
   * is; an older one is still served while one refresh per process (a recount, then a
   * read) runs in the background. A process that finds no snapshot at all reads the last
   * count (a row per clinic) and recounts in the background.
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
    // A new database has no count yet: only then does a request wait for one.
    if (!(await AdminQueries.counted(this.db)))
      await AdminQueries.recount(this.db, { minAgeSeconds: this.ttl, wait: true });
    const snapshot = await this.load();
    void this.refresh().catch(() => undefined);
    return snapshot.rows;
  }

  private get snapshotKey() {
    return this.cache.key('admin', 'tenant-stats');
  }

  private remember(stored: StoredSnapshot): Snapshot {
    if (this.memo?.at !== stored.at)
      this.memo = { at: stored.at, rows: rowsOf(stored.columns), sorted: new Map() };
    return this.memo;
  }

  /** Recounts when the last count is older than the TTL (unless another process is at it), then reads it. */
  private refresh(): Promise<Snapshot> {
    this.refreshing ??= (async (): Promise<Snapshot> => {
      try {
        await AdminQueries.recount(this.db, { minAgeSeconds: this.ttl, wait: false });
        return await this.load();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing!;
  }

  /** Reads the last count into Redis and this process. */
  private load(): Promise<Snapshot> {
    this.loading ??= (async (): Promise<Snapshot> => {
      try {
        const at = Date.now();
        // One JSON text from PostgreSQL: cheaper to build and parse than 10,000 rows, and stored as is.
        const columns = await AdminQueries.tenantColumnsJson(this.db);
        await this.cache.setRaw(
          this.snapshotKey,
          `{"at":${at},"columns":${columns}}`,
          SNAPSHOT_KEPT_SECONDS,
        );
        return this.remember({ at, columns: JSON.parse(columns) });
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading!;
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
