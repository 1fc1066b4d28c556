import type { TenantWriteListener } from '../database/tenant-db.js';
import type { CacheService } from './cache.service.js';

/** How long a directory read lives when the response cache is off (RESPONSE_CACHE_TTL_SECONDS=0). */
const DIRECTORY_TTL_SECONDS = 300;

/** Whose data a cached read shows: one tenant's, or the directory's (clinics, memberships). */
export type CacheScope = { tenantId: string } | 'directory';

/** What a cached read depends on; every part goes into its key. */
export interface CachedRead {
  scope: CacheScope;
  view: string;
  /** The reader's role in the clinic, when what is shown depends on it. */
  role?: string | null;
  /** The page's language, when the value holds words or formatted dates. */
  locale?: string;
  /** Only for content of one user (never shared with another). */
  userId?: string;
  params?: Record<string, string | number | boolean | null | undefined>;
}

/**
 * The response cache (ARCHITECTURE.md "Caching"): hot reads cached whole under
 * `tenant:<id>:g<generation>:<view>:<role>:<locale>:<user>:<params>`. Every committed write in
 * a tenant bumps its generation (TenantDb calls tenantWritten after COMMIT), so the next read
 * in that tenant misses and sees the write; a write to the directory tables bumps the
 * directory's. A key always names its tenant, so nothing cached crosses tenants. Concurrent
 * misses of one key in this process share one load (no stampede on a busy clinic's day view).
 */
export class ResponseCache implements TenantWriteListener {
  private readonly flights = new Map<string, Promise<unknown>>();
  /** Generations a write could not bump (Redis away): bumped before this process reads again. */
  private readonly unbumped = new Set<string>();
  private readonly counts = { hits: 0, misses: 0 };

  constructor(
    private readonly cache: CacheService,
    private readonly ttlSeconds: number,
  ) {}

  /** Hits and misses since start (metrics, benchmark). */
  get stats(): { hits: number; misses: number } {
    return { ...this.counts };
  }

  async read<T>(spec: CachedRead, load: () => Promise<T>): Promise<T> {
    // Directory reads (a session's clinic access and switcher) stay cached without the
    // response cache: they are asked on every page, and their generation keeps them exact.
    const ttlSeconds =
      spec.scope === 'directory' ? this.ttlSeconds || DIRECTORY_TTL_SECONDS : this.ttlSeconds;
    if (ttlSeconds === 0) return load();
    if (this.unbumped.size) await this.bumpPending();
    const scope = scopeParts(spec.scope);
    const parts = [
      spec.view,
      spec.role ?? '-',
      spec.locale ?? '-',
      spec.userId ?? '-',
      paramsPart(spec.params),
    ];
    const { generation, value } = await this.cache.readAtGeneration<T>(scope, parts);
    if (value !== undefined) {
      this.counts.hits++;
      return value;
    }
    this.counts.misses++;
    const flightKey = [...scope, generation, ...parts].join('\u0000');
    const inFlight = this.flights.get(flightKey);
    if (inFlight) return inFlight as Promise<T>;
    const flight = (async () => {
      const fresh = await load();
      await this.cache.writeAtGeneration(scope, generation, parts, fresh, ttlSeconds);
      return fresh;
    })().finally(() => this.flights.delete(flightKey));
    this.flights.set(flightKey, flight);
    return flight;
  }

  /**
   * Never fails: the write has committed, and its answer must say so even when Redis is
   * away. A bump that fails is kept and made before this process's next cached read.
   */
  async tenantWritten(tenantId: string, opts: { directory: boolean }): Promise<void> {
    this.unbumped.add(tenantId);
    if (opts.directory) this.unbumped.add('directory');
    await this.bumpPending().catch(() => undefined);
  }

  private async bumpPending(): Promise<void> {
    for (const pending of [...this.unbumped]) {
      await this.cache.bumpGeneration(
        scopeParts(pending === 'directory' ? 'directory' : { tenantId: pending }),
      );
      this.unbumped.delete(pending);
    }
  }
}

function scopeParts(scope: CacheScope): string[] {
  return scope === 'directory' ? ['directory'] : ['tenant', scope.tenantId];
}

function paramsPart(params: CachedRead['params'] = {}): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(String(params[k] ?? ''))}`)
    .join('&');
}
