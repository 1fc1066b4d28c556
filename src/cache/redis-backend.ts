import { createAdapter } from '@socket.io/redis-adapter';
import RedisStore from 'connect-redis';
import type { Store } from 'express-session';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type {
  CacheBackend,
  PageKeys,
  PageRead,
  RateLimiterSettings,
  SocketIoFanOut,
} from './cache-backend.js';

/** The generation and the value at that generation, in one round trip (see CacheBackend). */
const GET_AT_GENERATION = `
  local generation = redis.call('GET', KEYS[1]) or '0'
  return { generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2]) }`;

/**
 * A page's shared state in one round trip (CacheBackend.readPage): the session as stored, the
 * directory's generation, and the value at the tenant's generation. Nothing when the session
 * is gone (a nil would end the reply's array early: false stands for it).
 */
const READ_PAGE = `
  local session = redis.call('GET', KEYS[1])
  if not session then return false end
  local generation = redis.call('GET', KEYS[3]) or '0'
  return { session, redis.call('GET', KEYS[2]) or '0',
           redis.call('GET', ARGV[1] .. generation .. ARGV[2]) or false }`;

type WithGetAtGeneration = Redis & {
  getAtGeneration(genKey: string, before: string, after: string): Promise<[string, string | null]>;
  readPageBuffer(
    session: string,
    directoryGeneration: string,
    tenantGeneration: string,
    before: string,
    after: string,
  ): Promise<[Buffer, Buffer, Buffer | null] | null>;
};

/**
 * Shared state in Redis, seen by every app process. The only file that imports ioredis
 * and the Redis flavours of the session store, rate limiter and Socket.IO adapter.
 */
export class RedisBackend implements CacheBackend {
  readonly kind = 'redis';
  private readonly redis: WithGetAtGeneration;

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
      // Commands of one tick (a page's session, cache and request-count reads; many requests'
      // at a time under load) go out in one write: a loopback write costs more than a command.
      enableAutoPipelining: true,
    }) as WithGetAtGeneration;
    this.redis.defineCommand('getAtGeneration', { numberOfKeys: 1, lua: GET_AT_GENERATION });
    this.redis.defineCommand('readPage', { numberOfKeys: 3, lua: READ_PAGE });
    // ioredis reconnects by itself; an outage shows on /ready and in the failing requests' logs.
    this.redis.on('error', () => undefined);
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async getAtGeneration(genKey: string, keyBefore: string, keyAfter: string) {
    const [generation, value] = await this.redis.getAtGeneration(genKey, keyBefore, keyAfter);
    return { generation: Number(generation), value };
  }

  async readPage(keys: PageKeys): Promise<PageRead> {
    // As bytes: the value goes out to the client as it is, never through a JS string.
    const reply = await this.redis.readPageBuffer(
      keys.session,
      keys.directoryGeneration,
      keys.tenantGeneration,
      keys.before,
      keys.after,
    );
    if (!reply) return { session: null, directoryGeneration: 0, value: null };
    const [session, directoryGeneration, value] = reply;
    return {
      session: session.toString(),
      directoryGeneration: Number(directoryGeneration.toString()),
      value: value || null,
    };
  }

  async increment(key: string): Promise<void> {
    await this.redis.incr(key);
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
    // No touch per request: src/web/session.ts saves a signed-in session every few minutes instead.
    return new RedisStore({
      client: this.redis,
      prefix: keyPrefix,
      ttl: ttlSeconds,
      disableTouch: true,
    });
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
    const pub = this.redis.duplicate({
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      // Its (un)subscribes are fired and forgotten: none may wait in an automatic pipeline.
      enableAutoPipelining: false,
    });
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
