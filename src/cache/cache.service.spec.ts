import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { SessionData, Store } from 'express-session';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import { CacheService, type CacheSettings } from './cache.service.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key space of its own, under the test run's prefix so the run's teardown removes it. */
function ownPrefix(): string {
  return `${process.env.REDIS_PREFIX ?? 'vetlane-spec:'}cache-spec-${randomBytes(4).toString('hex')}:`;
}

const session = (csrfToken: string) =>
  ({
    cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000) },
    csrfToken,
  }) as SessionData;

function saveSession(store: Store, sid: string, data: SessionData): Promise<void> {
  return new Promise((resolve, reject) =>
    store.set(sid, data, (err) => (err ? reject(err) : resolve())),
  );
}

function loadSession(store: Store, sid: string): Promise<SessionData | null | undefined> {
  return new Promise((resolve, reject) =>
    store.get(sid, (err, data) => (err ? reject(err) : resolve(data))),
  );
}

/** The limiter's answer to one more attempt: the points left, or the refusal. */
async function attempt(limiter: ReturnType<CacheService['rateLimiter']>, key: string) {
  try {
    return await limiter.consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) return { refused: res };
    throw res;
  }
}

describe.each<[string, Omit<CacheSettings, 'prefix'>]>([
  ['redis', { url: REDIS_URL }],
  ['memory', {}],
])('the cache door over %s', (backend, settings) => {
  let prefix: string;
  let cache: CacheService;
  beforeAll(() => {
    prefix = ownPrefix();
    cache = CacheService.open({ ...settings, prefix });
  });
  afterAll(() => cache.close());

  it('says where the state lives and builds every key from the configured prefix', () => {
    expect(cache.backend).toBe(backend);
    expect(cache.key('admin', 'per-day', '30', 'all')).toBe(`${prefix}admin:per-day:30:all`);
  });

  it('stores, reads and forgets a value', async () => {
    const key = cache.key('spec', 'value');
    expect(await cache.getJson(key)).toBeUndefined();
    await cache.setJson(key, { clinic: 'VetGroom Central', rooms: 3 }, 60);
    expect(await cache.getJson(key)).toEqual({ clinic: 'VetGroom Central', rooms: 3 });
    await cache.setRaw(key, '{"rooms":4}', 60);
    expect(await cache.getJson(key)).toEqual({ rooms: 4 });
    await cache.delete(key);
    expect(await cache.getJson(key)).toBeUndefined();
  });

  it('reads through: the loader runs on a miss only', async () => {
    const key = cache.key('spec', 'remember');
    let loads = 0;
    const load = async () => ({ loads: ++loads });
    expect(await cache.remember(key, 60, load)).toEqual({ loads: 1 });
    expect(await cache.remember(key, 60, load)).toEqual({ loads: 1 });
    expect(loads).toBe(1);
  });

  it('keeps counts per field under one key', async () => {
    const key = cache.key('spec', 'throttled', '2025-03-30');
    await cache.incrementCount(key, 'tenant-a', 60);
    await cache.incrementCount(key, 'tenant-a', 60);
    await cache.incrementCount(key, 'tenant-b', 60);
    expect(await cache.counts(key)).toEqual(
      new Map([
        ['tenant-a', 2],
        ['tenant-b', 1],
      ]),
    );
    expect(await cache.counts(cache.key('spec', 'throttled', '2025-03-31'))).toEqual(new Map());
  });

  it('refuses the attempt over the limit, per key and per limiter, naming the wait', async () => {
    const limiter = cache.rateLimiter({ name: ['spec', 'login'], points: 2, durationSeconds: 60 });
    const other = cache.rateLimiter({ name: ['spec', 'other'], points: 2, durationSeconds: 60 });
    expect(await attempt(limiter, 'ana@example.test')).toMatchObject({ remainingPoints: 1 });
    expect(await attempt(limiter, 'ana@example.test')).toMatchObject({ remainingPoints: 0 });
    const third = await attempt(limiter, 'ana@example.test');
    expect(third).toHaveProperty('refused');
    expect((third as { refused: RateLimiterRes }).refused.msBeforeNext).toBeGreaterThan(0);
    expect(await attempt(limiter, 'ben@example.test')).toMatchObject({ remainingPoints: 1 });
    expect(await attempt(other, 'ana@example.test')).toMatchObject({ remainingPoints: 1 });
  });

  it('keeps sessions in its session store', async () => {
    const store = cache.sessionStore({ ttlSeconds: 3600 });
    await saveSession(store, 'sid-1', session('token-1'));
    expect(await loadSession(store, 'sid-1')).toMatchObject({ csrfToken: 'token-1' });
    expect(await loadSession(store, 'sid-unknown')).toBeFalsy();
  });
});

describe('the cache door over Redis, as two app processes see it', () => {
  let prefix: string;
  let a: CacheService;
  let b: CacheService;
  let stranger: CacheService;
  beforeAll(() => {
    prefix = ownPrefix();
    a = CacheService.open({ url: REDIS_URL, prefix });
    b = CacheService.open({ url: REDIS_URL, prefix });
    stranger = CacheService.open({ url: REDIS_URL, prefix: ownPrefix() });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), stranger.close()]);
  });

  it('shares values, counts and sessions, and nothing with another prefix', async () => {
    await a.setJson(a.key('admin', 'tenant-stats'), { tenants: 5 }, 60);
    expect(await b.getJson(b.key('admin', 'tenant-stats'))).toEqual({ tenants: 5 });
    expect(await stranger.getJson(stranger.key('admin', 'tenant-stats'))).toBeUndefined();

    await a.incrementCount(a.key('throttled', 'today'), 'tenant-a', 60);
    await b.incrementCount(b.key('throttled', 'today'), 'tenant-a', 60);
    expect((await a.counts(a.key('throttled', 'today'))).get('tenant-a')).toBe(2);

    await saveSession(a.sessionStore({ ttlSeconds: 3600 }), 'sid-2', session('token-2'));
    const seen = await loadSession(b.sessionStore({ ttlSeconds: 3600 }), 'sid-2');
    expect(seen).toMatchObject({ csrfToken: 'token-2' });
    expect(await loadSession(stranger.sessionStore({ ttlSeconds: 3600 }), 'sid-2')).toBeFalsy();
  });

  it('spends one rate-limit budget between processes', async () => {
    const opts = { name: ['tenant-rate', 'basic'], points: 2, durationSeconds: 60 };
    const [onA, onB] = [a.rateLimiter(opts), b.rateLimiter(opts)];
    expect(await attempt(onA, 'tenant-a')).toMatchObject({ remainingPoints: 1 });
    expect(await attempt(onB, 'tenant-a')).toMatchObject({ remainingPoints: 0 });
    expect(await attempt(onA, 'tenant-a')).toHaveProperty('refused');
  });

  it('carries Socket.IO events from one process to the other', async () => {
    interface BetweenServers {
      hello: (from: string, ack: (reply: string) => void) => void;
    }
    const servers = [a, b].map((cache) => {
      const server = new Server<object, object, BetweenServers>(createServer());
      const fanOut = cache.socketIoFanOut();
      fanOut.attach(server as unknown as Server);
      return { server, fanOut };
    });
    const [first, second] = servers;
    second.server.on('hello', (from, ack) => ack(`hello ${from}, from the second process`));
    try {
      // The adapter subscribes in the background: ask until the other process is listening.
      let replies: string[] = [];
      while (replies.length === 0) {
        replies = await first.server.serverSideEmitWithAck('hello', 'first').catch(() => []);
        if (replies.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(replies).toEqual(['hello first, from the second process']);
    } finally {
      for (const { server, fanOut } of servers) {
        await server.close();
        await fanOut.close();
      }
    }
  });
});
