import session, { type Store } from 'express-session';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CacheBackend, RateLimiterSettings, SocketIoFanOut } from './cache-backend.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/**
 * Shared state in this process's memory, for embedded mode (one process, no Redis): the
 * same operations as RedisBackend, so the code above it runs unchanged.
 */
export class MemoryBackend implements CacheBackend {
  readonly kind = 'memory';
  private readonly values = new Map<string, Expiring<string>>();
  private readonly countSets = new Map<string, Expiring<Map<string, number>>>();

  async get(key: string): Promise<string | null> {
    return live(this.values, key) ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.values.set(key, { value, expiresAt: expiry(ttlSeconds) });
  }

  async getAtGeneration(genKey: string, keyBefore: string, keyAfter: string) {
    const generation = Number(live(this.values, genKey) ?? 0);
    return { generation, value: live(this.values, `${keyBefore}${generation}${keyAfter}`) ?? null };
  }

  /** Sessions here live in express-session's own MemoryStore: no session as stored, no lane. */
  async readPage(): Promise<null> {
    return null;
  }

  async increment(key: string): Promise<void> {
    const next = String(Number(live(this.values, key) ?? 0) + 1);
    this.values.set(key, { value: next, expiresAt: Number.POSITIVE_INFINITY });
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.countSets.delete(key);
  }

  async incrementCount(key: string, field: string, ttlSeconds: number): Promise<void> {
    const counts = live(this.countSets, key) ?? new Map<string, number>();
    counts.set(field, (counts.get(field) ?? 0) + 1);
    this.countSets.set(key, { value: counts, expiresAt: expiry(ttlSeconds) });
  }

  async counts(key: string): Promise<Map<string, number>> {
    return new Map(live(this.countSets, key) ?? []);
  }

  async ping(): Promise<void> {}

  sessionStore(): Store {
    return new session.MemoryStore();
  }

  rateLimiter(s: RateLimiterSettings): RateLimiterAbstract {
    return new RateLimiterMemory({
      keyPrefix: s.keyPrefix,
      points: s.points,
      duration: s.durationSeconds,
    });
  }

  /** One process: Socket.IO's own in-memory adapter already reaches every socket. */
  socketIoFanOut(): SocketIoFanOut {
    return { attach: () => undefined, onResume: () => undefined, close: async () => undefined };
  }

  async close(): Promise<void> {
    this.values.clear();
    this.countSets.clear();
  }
}

function expiry(ttlSeconds: number): number {
  return Date.now() + ttlSeconds * 1000;
}

/** The entry's value while it has not expired; an expired entry is dropped on the way. */
function live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= Date.now()) {
    map.delete(key);
    return undefined;
  }
  return entry.value;
}
