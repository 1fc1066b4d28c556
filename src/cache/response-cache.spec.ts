import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { CacheService, type CacheSettings } from './cache.service.js';
import { ResponseCache } from './response-cache.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.each<[string, Omit<CacheSettings, 'prefix'>]>([
  ['redis', { url: REDIS_URL }],
  ['memory', {}],
])('the response cache over %s', (_backend, settings) => {
  let cache: CacheService;
  let responses: ResponseCache;
  beforeAll(() => {
    const prefix = `${process.env.REDIS_PREFIX ?? 'vetlane-spec:'}rc-${randomBytes(4).toString('hex')}:`;
    cache = CacheService.open({ ...settings, prefix });
    responses = new ResponseCache(cache, 60);
  });
  afterAll(() => cache.close());

  const day = (tenantId: string, locale = 'en') => ({
    scope: { tenantId },
    view: 'calendar-day',
    locale,
    params: { date: '2031-04-08', by: 'staff' },
  });

  it('loads once, then answers from the cache until a write in the tenant', async () => {
    const tenant = randomUUID();
    let loads = 0;
    const load = async () => ({ version: ++loads });
    expect(await responses.read(day(tenant), load)).toEqual({ version: 1 });
    expect(await responses.read(day(tenant), load)).toEqual({ version: 1 });
    await responses.tenantWritten(tenant, { directory: false });
    expect(await responses.read(day(tenant), load)).toEqual({ version: 2 });
  });

  it('keeps tenants and languages apart, and one tenant’s write leaves another’s cache', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await responses.read(day(a), async () => 'a-en');
    await responses.read(day(a, 'es'), async () => 'a-es');
    await responses.read(day(b), async () => 'b-en');
    await responses.tenantWritten(b, { directory: false });
    expect(await responses.read(day(a), async () => 'reloaded')).toBe('a-en');
    expect(await responses.read(day(a, 'es'), async () => 'reloaded')).toBe('a-es');
    expect(await responses.read(day(b), async () => 'b-reloaded')).toBe('b-reloaded');
  });

  it('lets concurrent misses of one key share a single load (no stampede)', async () => {
    const tenant = randomUUID();
    let loads = 0;
    const slow = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 50));
      return 'grid';
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => responses.read(day(tenant), slow)),
    );
    expect(answers).toEqual(Array(20).fill('grid'));
    expect(loads).toBe(1);
  });

  it('caches a missing answer (null) and moves the directory on a directory write', async () => {
    const user = { scope: 'directory' as const, view: 'clinic-access', userId: randomUUID() };
    let loads = 0;
    const load = async () => (loads++ ? { role: 'vet' } : null);
    expect(await responses.read(user, load)).toBeNull();
    expect(await responses.read(user, load)).toBeNull();
    await responses.tenantWritten(randomUUID(), { directory: false });
    expect(await responses.read(user, load)).toBeNull();
    await responses.tenantWritten(randomUUID(), { directory: true });
    expect(await responses.read(user, load)).toEqual({ role: 'vet' });
  });

  it('counts hits and misses, and caches nothing with a TTL of 0', async () => {
    const before = responses.stats;
    const tenant = randomUUID();
    await responses.read(day(tenant), async () => 1);
    await responses.read(day(tenant), async () => 2);
    expect(responses.stats.misses - before.misses).toBe(1);
    expect(responses.stats.hits - before.hits).toBe(1);
    const off = new ResponseCache(cache, 0);
    let loads = 0;
    await off.read(day(tenant), async () => ++loads);
    await off.read(day(tenant), async () => ++loads);
    expect(loads).toBe(2);
  });

  it('keeps directory reads cached with a TTL of 0, until a directory write', async () => {
    const off = new ResponseCache(cache, 0);
    const access = { scope: 'directory' as const, view: 'clinic-access', userId: randomUUID() };
    let loads = 0;
    const load = async () => ++loads;
    expect(await off.read(access, load)).toBe(1);
    expect(await off.read(access, load)).toBe(1);
    await off.tenantWritten(randomUUID(), { directory: true });
    expect(await off.read(access, load)).toBe(2);
  });
});
