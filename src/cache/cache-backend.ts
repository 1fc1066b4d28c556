import type { Store } from 'express-session';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Server } from 'socket.io';

export type CacheBackendKind = 'redis' | 'memory';

export interface RateLimiterSettings {
  /** The limiter's key prefix, already built by CacheService.key(). */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  /** With Redis: count in this process's memory while Redis is away, rather than failing. */
  memoryFallback: boolean;
}

export interface PageKeys {
  session: string;
  directoryGeneration: string;
  tenantGeneration: string;
  before: string;
  after: string;
}

export interface PageRead {
  session: string | null;
  directoryGeneration: number;
  /** The value's bytes as stored. */
  value: Buffer | null;
}

/** Carries Socket.IO events between app processes (or, with one process, leaves Socket.IO as it is). */
export interface SocketIoFanOut {
  attach(server: Server): void;
  /**
   * Calls `listener` each time the fan-out is back after an outage: events other processes
   * published meanwhile may never have arrived, so open calendars must catch up.
   */
  onResume(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * What CacheService needs from the place shared state lives. There are two, Redis and this
 * process's memory, and both offer everything, so no caller ever asks which one it got.
 * Keys arrive fully built (CacheService owns the prefix). Internal to src/cache.
 */
export interface CacheBackend {
  readonly kind: CacheBackendKind;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * One round trip: the generation stored at `genKey` (0 when none) and the value at
   * `keyBefore + generation + keyAfter`.
   */
  getAtGeneration(
    genKey: string,
    keyBefore: string,
    keyAfter: string,
  ): Promise<{ generation: number; value: string | null }>;
  /**
   * A page's whole shared state in one round trip (src/web/fast-lane.ts): the session stored
   * at `keys.session` exactly as stored (null when it is gone), the directory's generation and
   * the value at `keys.before + <the tenant's generation> + keys.after`. Null when this
   * backend cannot give the session as stored (memory: there is one process, and no lane).
   */
  readPage(keys: PageKeys): Promise<PageRead | null>;
  /** Adds one to the number at `key` (which never expires). */
  increment(key: string): Promise<void>;
  /** Adds one to a named count inside `key`; the whole set of counts expires after `ttlSeconds`. */
  incrementCount(key: string, field: string, ttlSeconds: number): Promise<void>;
  counts(key: string): Promise<Map<string, number>>;
  ping(): Promise<void>;
  sessionStore(keyPrefix: string, ttlSeconds: number): Store;
  rateLimiter(settings: RateLimiterSettings): RateLimiterAbstract;
  socketIoFanOut(key: string): SocketIoFanOut;
  close(): Promise<void>;
}
