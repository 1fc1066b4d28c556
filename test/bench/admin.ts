import { performance } from 'node:perf_hooks';
import { progressBar } from '../../seeds/scale.js';
import { PlatformStatsService } from '../../src/admin/platform-stats.service.js';
import { WebClient } from '../harness/http.js';
import { cliArgs, percentiles, startBenchApp } from './bench-app.js';

/**
 * /admin response times with many tenants, through the real app (pgBouncer, Redis):
 *
 *   npm run bench:admin -- [--tenants 10000] [--requests 200] [--ttl 5] [--database vetlane_bench]
 *
 * Cold requests find no cached numbers anywhere (Redis key deleted, process copy
 * dropped) and wait for the database. Warm requests run with a short cache TTL (--ttl),
 * so they include expiries: a stale snapshot served while it refreshes in the background.
 * Without --database the tenants go into a throwaway database dropped at the end; with
 * it, the database is kept and its generated tenants are reused next time.
 */
async function main() {
  const args = cliArgs();
  const requests = Number(args.value('requests', '200'));
  const bench = await startBenchApp({
    adminUrl: args.value('admin-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
    database: args.has('database') ? args.value('database', '') : undefined,
    tenants: Number(args.value('tenants', '10000')),
    redisUrl: args.value('redis-url', 'redis://127.0.0.1:6379'),
    statsTtlSeconds: Number(args.value('ttl', '5')),
  });
  const web = new WebClient(bench.url);
  await web.signIn('admin@vetlane.test');
  const platform = bench.app.get(PlatformStatsService);
  const pages = [
    '/admin',
    '/admin?sort=name&dir=asc',
    '/admin?q=scale-0042',
    '/admin?page=57',
    '/admin?sort=tier',
  ];
  const timed = async (path: string) => {
    const t0 = performance.now();
    const res = await web.get(path);
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return ms;
  };
  try {
    const first = await timed('/admin');
    const shown = /data-total="tenants">([^<]+)</.exec((await web.get('/admin')).text)?.[1];
    console.log(`tenants on /admin: ${shown}; first request after start ${first.toFixed(1)} ms`);
    const cold: number[] = [];
    const coldRuns = Math.max(5, Math.floor(requests / 10));
    const coldBar = progressBar('cold requests');
    for (let i = 0; i < coldRuns; i++) {
      await platform.invalidate();
      cold.push(await timed(pages[i % pages.length]));
      coldBar(i + 1, coldRuns);
    }
    const warm: number[] = [];
    const warmBar = progressBar('warm requests');
    for (let i = 0; i < requests; i++) {
      warm.push(await timed(pages[i % pages.length]));
      if ((i + 1) % 10 === 0 || i + 1 === requests) warmBar(i + 1, requests);
    }
    console.log(`/admin cold (Redis and process cache emptied before each): ${percentiles(cold)}`);
    console.log(`/admin warm, cache TTL ${args.value('ttl', '5')} s: ${percentiles(warm)}`);
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
