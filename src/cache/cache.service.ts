import type { Store } from 'express-session';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CacheBackend, CacheBackendKind, SocketIoFanOut } from './cache-backend.js';
import { MemoryBackend } from './memory-backend.js';
import { RedisBackend } from './redis-backend.js';

export type { CacheBackendKind, SocketIoFanOut };

/** How a cached value is stored: JSON, or text as it is. */
export interface Codec<T> {
  encode(value: T): string;
  decode(stored: string): T;
}
const JSON_VALUES: Codec<unknown> = { encode: JSON.stringify, decode: JSON.parse };
export const TEXT: Codec<string> = { encode: (text) => text, decode: (text) => text };

/** Sessions live under `<prefix>sess:<id>`. */
const SESSION_KEY = 'sess';

export interface CacheSettings {
  /** Redis when set (every app process shares the state); this process's memory otherwise. */
  url?: string;
  /** Starts every key, so several deployments (or test runs) can share one Redis. */
  prefix: string;
}

export interface RateLimiterOptions {
  /** Names the limiter; its counters live under the key built from these parts. */
  name: readonly string[];
  points: number;
  durationSeconds: number;
  /** With Redis: count in this process's memory while Redis is away, rather than failing. */
  memoryFallback?: boolean;
}

/**
 * The one door to shared state: the response cache, counts, and the session store, rate
 * limiters and Socket.IO fan-out that sessions, throttles and the gateway are built on.
 * Whether that state lives in Redis or in memory (embedded mode) is decided here, once,
 * and only this module builds keys: each starts with the configured prefix.
 */
export class CacheService {
  private constructor(
    private readonly store: CacheBackend,
    private readonly prefix: string,
  ) {}

  static open(settings: CacheSettings): CacheService {
    const store = settings.url ? new RedisBackend(settings.url) : new MemoryBackend();
    return new CacheService(store, settings.prefix);
  }

  /** Where the state lives, for /ready and the start-up line; nothing should branch on it. */
  get backend(): CacheBackendKind {
    return this.store.kind;
  }

  /** The one key builder: the prefix, then the parts joined with ':'. */
  key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`;
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    const raw = await this.store.get(key);
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  async setJson(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.store.set(key, JSON.stringify(value), ttlSeconds);
  }

  /** Stores text that already is JSON (a large value built without JSON.stringify). */
  async setRaw(key: string, json: string, ttlSeconds: number): Promise<void> {
    await this.store.set(key, json, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(key);
  }

  /** Reads through the cache: `load` runs only on a miss. */
  async remember<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const hit = await this.getJson<T>(key);
    if (hit !== undefined) return hit;
    const value = await load();
    await this.setJson(key, value, ttlSeconds);
    return value;
  }

  /**
   * What is stored under `parts` at the current generation of `scope` (one round trip), and
   * that generation: `<scope>:g<generation>:<parts>`. Nothing is ever deleted to invalidate:
   * bumpGeneration moves every reader to new keys and the old ones expire. Values are JSON,
   * or text as it is (`TEXT`: a rendered page part, which JSON would only escape).
   */
  async readAtGeneration<T>(
    scope: readonly string[],
    parts: readonly string[],
    codec: Codec<T> = JSON_VALUES as Codec<T>,
  ): Promise<{ generation: number; value: T | undefined }> {
    const { generation, value } = await this.store.getAtGeneration(
      this.key(...scope, 'gen'),
      this.key(...scope, 'g'),
      `:${parts.join(':')}`,
    );
    return { generation, value: value == null ? undefined : codec.decode(value) };
  }

  async writeAtGeneration<T>(
    scope: readonly string[],
    generation: number,
    parts: readonly string[],
    value: T,
    ttlSeconds: number,
    codec: Codec<T> = JSON_VALUES as Codec<T>,
  ): Promise<void> {
    const key = this.key(...scope, `g${generation}`, ...parts);
    await this.store.set(key, codec.encode(value), ttlSeconds);
  }

  /**
   * What a page served from the cache alone needs, in one round trip: the session `sessionId`
   * as stored (null when it is gone), the directory's generation, and the text under `parts`
   * at the current generation of `scope` as its bytes, to be sent as they are. Null when
   * sessions cannot be read so (memory).
   */
  async readPage(
    sessionId: string,
    scope: readonly string[],
    parts: readonly string[],
  ): Promise<{ session: string | null; directoryGeneration: number; bytes?: Buffer } | null> {
    const read = await this.store.readPage({
      session: this.key(SESSION_KEY, sessionId),
      directoryGeneration: this.key('directory', 'gen'),
      tenantGeneration: this.key(...scope, 'gen'),
      before: this.key(...scope, 'g'),
      after: `:${parts.join(':')}`,
    });
    if (!read) return null;
    const { session, directoryGeneration, value } = read;
    return { session, directoryGeneration, bytes: value ?? undefined };
  }

  bumpGeneration(scope: readonly string[]): Promise<void> {
    return this.store.increment(this.key(...scope, 'gen'));
  }

  /** Adds one to `field`'s count under `key`; the counts expire together, `ttlSeconds` after the last. */
  incrementCount(key: string, field: string, ttlSeconds: number): Promise<void> {
    return this.store.incrementCount(key, field, ttlSeconds);
  }

  /** Every count under `key` (none when it is unknown or expired). */
  counts(key: string): Promise<Map<string, number>> {
    return this.store.counts(key);
  }

  /** The express-session store; sessions expire `ttlSeconds` after their last save or touch. */
  sessionStore(opts: { ttlSeconds: number }): Store {
    return this.store.sessionStore(this.key(SESSION_KEY, ''), opts.ttlSeconds);
  }

  /** A rate-limiter-flexible limiter counting where every app process sees the same numbers. */
  rateLimiter(opts: RateLimiterOptions): RateLimiterAbstract {
    return this.store.rateLimiter({
      keyPrefix: this.key(...opts.name),
      points: opts.points,
      durationSeconds: opts.durationSeconds,
      memoryFallback: opts.memoryFallback ?? false,
    });
  }

  /** Carries Socket.IO events between app processes; one per Socket.IO server, closed with it. */
  socketIoFanOut(): SocketIoFanOut {
    return this.store.socketIoFanOut(this.key('socket.io'));
  }

  async ping(): Promise<void> {
    await this.store.ping();
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
