import { Redis } from 'ioredis';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The response cache. Redis when REDIS_URL is set (shared by all app processes); an
 * in-process map otherwise (embedded mode, one process). Only this module builds keys.
 */
export class CacheService {
  private readonly memory = new Map<string, Entry>();

  constructor(
    readonly redis: Redis | null,
    private readonly prefix: string,
  ) {}

  /** Every Redis key of Vetlane starts here, so one deployment can share a Redis. */
  key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`;
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    const raw = this.redis ? await this.redis.get(key) : this.readMemory(key);
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  async setJson(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const raw = JSON.stringify(value);
    if (this.redis) await this.redis.set(key, raw, 'EX', ttlSeconds);
    else this.memory.set(key, { value: raw, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  /** Stores text that already is JSON (a large value built without JSON.stringify). */
  async setRaw(key: string, json: string, ttlSeconds: number): Promise<void> {
    if (this.redis) await this.redis.set(key, json, 'EX', ttlSeconds);
    else this.memory.set(key, { value: json, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    if (this.redis) await this.redis.del(key);
    else this.memory.delete(key);
  }

  /** Reads through the cache: `load` runs only on a miss. */
  async remember<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const hit = await this.getJson<T>(key);
    if (hit !== undefined) return hit;
    const value = await load();
    await this.setJson(key, value, ttlSeconds);
    return value;
  }

  async ping(): Promise<void> {
    if (this.redis) await this.redis.ping();
  }

  private readMemory(key: string): string | undefined {
    const entry = this.memory.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.memory.delete(key);
      return undefined;
    }
    return entry.value;
  }
}

export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; an outage shows on /ready and in the failing requests' logs.
  redis.on('error', () => undefined);
  return redis;
}
