import type { TenantWriteListener } from '../database/tenant-db.js';
import { type CacheService, type Codec, TEXT } from './cache.service.js';

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
  /** Told the generation the read was made at (not part of the key). */
  onGeneration?: (generation: number) => void;
}

/** A page of the cache alone (src/web/fast-lane.ts): its session as stored, and its bytes. */
export interface PageFromCache {
  session: string;
  directoryGeneration: number;
  /** A `readText` part's bytes; undefined when it is not cached at the tenant's generation. */
  bytes?: Buffer;
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
    return this.readAs(spec, load);
  }

  /** A rendered page part: kept as text, so the fast lane can send its bytes as they are. */
  readText(spec: CachedRead, load: () => Promise<string>): Promise<string> {
    return this.readAs(asText(spec), load, TEXT);
  }

  private async readAs<T>(spec: CachedRead, load: () => Promise<T>, codec?: Codec<T>): Promise<T> {
    // Directory reads (a session's clinic access and switcher) stay cached without the
    // response cache: they are asked on every page, and their generation keeps them exact.
    const ttlSeconds =
      spec.scope === 'directory' ? this.ttlSeconds || DIRECTORY_TTL_SECONDS : this.ttlSeconds;
    if (ttlSeconds === 0) return load();
    if (this.unbumped.size) await this.bumpPending();
    const { scope, parts } = keyOf(spec);
    const { generation, value } = await this.cache.readAtGeneration<T>(scope, parts, codec);
    spec.onGeneration?.(generation);
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
      await this.cache.writeAtGeneration(scope, generation, parts, fresh, ttlSeconds, codec);
      return fresh;
    })().finally(() => this.flights.delete(flightKey));
    this.flights.set(flightKey, flight);
    return flight;
  }

  /** Whether tenant reads are cached at all (RESPONSE_CACHE_TTL_SECONDS above 0). */
  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  /**
   * The bytes of a `readText` part together with the session `sessionId` as stored and the
   * directory's generation, in one round trip; undefined when the session is gone, or while
   * a bump is held back. A part that is not there is no miss here: the caller goes the long
   * way, which counts it and fills the cache.
   */
  async readPage(sessionId: string, spec: CachedRead): Promise<PageFromCache | undefined> {
    if (!this.enabled || this.unbumped.size) return undefined;
    const { scope, parts } = keyOf(asText(spec));
    const read = await this.cache.readPage(sessionId, scope, parts);
    if (!read?.session) return undefined;
    if (read.bytes) this.counts.hits++;
    const { session, directoryGeneration, bytes } = read;
    return { session, directoryGeneration, bytes };
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

  /**
   * Makes the bumps a Redis outage held back, once Redis is back; never fails. The cache's
   * own connection may come back a moment after the one that noticed: a few tries, 200 ms
   * apart (what is still held back then is bumped before this process's next cached read).
   */
  async catchUp(): Promise<void> {
    for (let tries = 0; this.unbumped.size && tries < 10; tries++)
      await this.bumpPending().catch(() => new Promise((r) => setTimeout(r, 200)));
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

/** A text part's key names it text: a value kept as JSON (by an older release) is never read as text. */
function asText(spec: CachedRead): CachedRead {
  return { ...spec, view: `${spec.view}.text` };
}

/** The one place a read's key is made of its parts: its scope, then what it depends on. */
function keyOf(spec: CachedRead): { scope: string[]; parts: string[] } {
  return {
    scope: scopeParts(spec.scope),
    parts: [
      spec.view,
      spec.role ?? '-',
      spec.locale ?? '-',
      spec.userId ?? '-',
      paramsPart(spec.params),
    ],
  };
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
