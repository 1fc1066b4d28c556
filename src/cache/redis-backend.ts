import { createAdapter } from '@socket.io/redis-adapter';
import RedisStore from 'connect-redis';
import type { Store } from 'express-session';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { CacheBackend, RateLimiterSettings, SocketIoFanOut } from './cache-backend.js';

/**
 * Shared state in Redis, seen by every app process. The only file that imports ioredis
 * and the Redis flavours of the session store, rate limiter and Socket.IO adapter.
 */
export class RedisBackend implements CacheBackend {
  readonly kind = 'redis';
  private readonly redis: Redis;

  constructor(url: string) {
    // While Redis is away a command fails within about a second (a 503 naming the cache)
    // rather than waiting through ever longer reconnects; a hung Redis times out the same way.
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 100, 1000),
      connectTimeout: 2000,
      commandTimeout: 3000,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // ioredis reconnects by itself; an outage shows on /ready and in the failing requests' logs.
    this.redis.on('error', () => undefined);
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async incrementCount(key: string, field: string, ttlSeconds: number): Promise<void> {
    await this.redis.multi().hincrby(key, field, 1).expire(key, ttlSeconds).exec();
  }

  async counts(key: string): Promise<Map<string, number>> {
    const raw = await this.redis.hgetall(key);
    return new Map(Object.entries(raw).map(([field, n]) => [field, Number(n)]));
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  sessionStore(keyPrefix: string, ttlSeconds: number): Store {
    return new RedisStore({ client: this.redis, prefix: keyPrefix, ttl: ttlSeconds });
  }

  rateLimiter(s: RateLimiterSettings): RateLimiterAbstract {
    const limits = { points: s.points, duration: s.durationSeconds };
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: s.keyPrefix,
      ...limits,
      ...(s.memoryFallback ? { insuranceLimiter: new RateLimiterMemory(limits) } : {}),
    });
  }

  socketIoFanOut(key: string): SocketIoFanOut {
    // Pub/sub waits for Redis to come back rather than failing its subscriptions (/ready reports the outage).
    const pub = this.redis.duplicate({ maxRetriesPerRequest: null, commandTimeout: undefined });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', () => undefined);
    observeSubscriptions(sub);
    return {
      attach: (server) => server.adapter(createAdapter(pub, sub, { key })),
      onResume: (listener) => {
        let lost = false;
        sub.on('close', () => (lost = true));
        sub.on('ready', () => {
          if (lost) listener();
          lost = false;
        });
      },
      // The adapter's own close sends UNSUBSCRIBEs it never awaits: QUIT after them lets them
      // finish, where a disconnect rejected them unhandled ("Connection is closed.").
      close: async () => {
        await Promise.all([closeClient(pub), closeClient(sub)]);
      },
    };
  }

  close(): Promise<void> {
    return closeClient(this.redis);
  }
}

/**
 * The adapter fires (UN)SUBSCRIBEs without awaiting them; one still queued when its
 * connection closes (an app stopped while Redis is slow or away) would reject unhandled and
 * end the process. The adapter learns nothing from those promises, so they are observed here.
 */
function observeSubscriptions(client: Redis) {
  for (const name of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const) {
    const original = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(client, {
      [name]: (...args: unknown[]) => {
        const sent = original(...args);
        sent.catch(() => undefined);
        return sent;
      },
    });
  }
}

/**
 * QUIT waits behind the commands still queued (an adapter's SUBSCRIBE on a connection still
 * being made, its UNSUBSCRIBEs at close), which a plain disconnect would reject unhandled.
 * A Redis that is away gets two seconds, then the connection is dropped.
 */
async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
  ]);
  clearTimeout(timer);
  if ((client.status as string) !== 'end') client.disconnect();
}
