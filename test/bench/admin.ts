import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateScale, progressBar } from '../../seeds/scale.js';
import { seedDemo } from '../../seeds/demo.js';
import { PlatformStatsService } from '../../src/admin/platform-stats.service.js';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { createRuntimeDataSource, runMigrations } from '../../src/database/data-sources.js';
import {
  bootstrapDatabase,
  MAINTENANCE_ROLE,
  OWNER_ROLE,
  RUNTIME_ROLE,
} from '../../src/database/roles.js';
import { startInfrastructure } from '../../src/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { WebClient } from '../harness/http.js';
import { dropDatabase, startPgBouncer } from '../harness/services.js';

/**
 * /admin response times with many tenants, through the real app (pgBouncer, Redis).
 *
 *   npm run bench:admin -- [--tenants 10000] [--requests 200] [--database vetlane_bench] [--keep]
 *
 * Without --database it uses a throwaway database and drops it at the end; with it, the
 * database is created when missing and its generated tenants are reused.
 */
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const tenants = Number(arg('tenants', '10000'));
const requests = Number(arg('requests', '200'));
const adminUrl = arg('admin-url', 'postgres://postgres@127.0.0.1:5432/postgres');
const reuse = args.includes('--database');
const database = arg('database', `vetlane_bench_${randomBytes(3).toString('hex')}`);
const keep = reuse || args.includes('--keep');
const log = createLogger('warn');

const dbUrl = (role: string) => {
  const u = new URL(adminUrl);
  u.username = role;
  u.password = '';
  u.pathname = `/${database}`;
  return u.toString();
};

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `n=${sorted.length} p50=${at(0.5).toFixed(1)} ms p95=${at(0.95).toFixed(1)} ms max=${sorted.at(-1)!.toFixed(1)} ms`;
}

async function prepare() {
  console.log(`database ${database} (${reuse ? 'reused' : 'throwaway'})`);
  await bootstrapDatabase({ adminUrl, database });
  await runMigrations({ url: dbUrl(OWNER_ROLE), log });
  const maint = new pg.Client({ connectionString: dbUrl(MAINTENANCE_ROLE) });
  await maint.connect();
  const [{ n }] = (
    await maint.query(`select count(*)::int as n from tenants where slug like 'scale-%'`)
  ).rows;
  await maint.end();
  if (n < tenants) {
    const started = performance.now();
    await generateScale({
      databaseUrl: dbUrl(MAINTENANCE_ROLE),
      tenants,
      progress: progressBar('generating tenants'),
    });
    console.log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else console.log(`reusing ${n} generated tenants`);
  const ds = await createRuntimeDataSource({
    url: dbUrl(RUNTIME_ROLE),
    poolSize: 2,
    log,
  }).initialize();
  await seedDemo({ dataSource: ds, log });
  await ds.destroy();
}

async function main() {
  await prepare();
  const admin = new URL(adminUrl);
  const bouncer = await startPgBouncer({
    pgHost: admin.hostname,
    pgPort: Number(admin.port || 5432),
    users: [RUNTIME_ROLE, OWNER_ROLE],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'vetlane-bench-'));
  const run = randomBytes(3).toString('hex');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_URL: `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}/${database}`,
    DATABASE_DIRECT_URL: dbUrl(OWNER_ROLE),
    REDIS_URL: arg('redis-url', 'redis://127.0.0.1:6379'),
    REDIS_PREFIX: `vetlane-bench:${run}:`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
  });
  const infra = await startInfrastructure(config, createLogger('warn'));
  const app = await createApp(infra);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const web = new WebClient(`http://127.0.0.1:${port}`);
  await web.signIn('admin@vetlane.test');
  const platform = app.get(PlatformStatsService);
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
    const rows = /data-total="tenants">([^<]+)</.exec((await web.get('/admin')).text)?.[1];
    console.log(`tenants on /admin: ${rows}; first request after start ${first.toFixed(1)} ms`);
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
    console.log(`/admin cold cache (counters recomputed from tenant_stats): ${stats(cold)}`);
    console.log(`/admin warm cache: ${stats(warm)}`);
  } finally {
    await app.close();
    await infra.close();
    await bouncer.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (!keep) await dropDatabase(adminUrl, database);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
