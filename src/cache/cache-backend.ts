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
  /** Adds one to a named count inside `key`; the whole set of counts expires after `ttlSeconds`. */
  incrementCount(key: string, field: string, ttlSeconds: number): Promise<void>;
  counts(key: string): Promise<Map<string, number>>;
  ping(): Promise<void>;
  sessionStore(keyPrefix: string, ttlSeconds: number): Store;
  rateLimiter(settings: RateLimiterSettings): RateLimiterAbstract;
  socketIoFanOut(key: string): SocketIoFanOut;
  close(): Promise<void>;
}
