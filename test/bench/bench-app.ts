import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { generateScale, progressBar } from '../../seeds/scale.js';
import { seedDemo } from '../../seeds/demo.js';
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
import { dropDatabase, startPgBouncer } from '../harness/services.js';

/** Command-line options shared by the benchmarks: `--name value` and `--flag`. */
export function cliArgs() {
  const args = process.argv.slice(2);
  return {
    value: (name: string, fallback: string) => {
      const i = args.indexOf(`--${name}`);
      return i >= 0 ? args[i + 1] : fallback;
    },
    has: (name: string) => args.includes(`--${name}`),
  };
}

export function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `n=${sorted.length} p50=${at(0.5).toFixed(1)} ms p95=${at(0.95).toFixed(1)} ms max=${sorted.at(-1)!.toFixed(1)} ms`;
}

/** The demo clinics (and the demo password's hash the bench logins borrow), as the runtime role. */
export async function seedDemoAt(runtimeUrl: string): Promise<void> {
  const log = createLogger('warn');
  const ds = await createRuntimeDataSource({ url: runtimeUrl, poolSize: 2, log }).initialize();
  await seedDemo({ dataSource: ds, log });
  await ds.destroy();
}

export interface BenchApp {
  url: string;
  app: NestExpressApplication;
  /** A URL of the bench database as a role (trust auth, as in the test cluster). */
  dbUrl(role: string): string;
  close(): Promise<void>;
}

/**
 * A database with `tenants` generated tenants plus the demo (created, or reused with
 * `database`), pgBouncer in front of it and the real app on a free port.
 */
export async function startBenchApp(opts: {
  adminUrl: string;
  database?: string;
  tenants: number;
  redisUrl: string;
  statsTtlSeconds?: number;
}): Promise<BenchApp> {
  const reuse = Boolean(opts.database);
  const database = opts.database ?? `vetlane_bench_${randomBytes(3).toString('hex')}`;
  const log = createLogger('warn');
  const dbUrl = (role: string) => {
    const u = new URL(opts.adminUrl);
    u.username = role;
    u.password = '';
    u.pathname = `/${database}`;
    return u.toString();
  };
  console.log(`database ${database} (${reuse ? 'kept' : 'throwaway'})`);
  await bootstrapDatabase({ adminUrl: opts.adminUrl, database });
  await runMigrations({ url: dbUrl(OWNER_ROLE), log });
  const maint = new pg.Client({ connectionString: dbUrl(MAINTENANCE_ROLE) });
  await maint.connect();
  const {
    rows: [{ n }],
  } = await maint.query(`select count(*)::int as n from tenants where slug like 'scale-%'`);
  await maint.end();
  if (n < opts.tenants) {
    const started = performance.now();
    await generateScale({
      databaseUrl: dbUrl(MAINTENANCE_ROLE),
      tenants: opts.tenants,
      progress: progressBar('generating tenants'),
    });
    console.log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else console.log(`reusing ${n} generated tenants`);
  await seedDemoAt(dbUrl(RUNTIME_ROLE));

  const admin = new URL(opts.adminUrl);
  const bouncer = await startPgBouncer({
    pgHost: admin.hostname,
    pgPort: Number(admin.port || 5432),
    users: [RUNTIME_ROLE, OWNER_ROLE],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'vetlane-bench-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_URL: `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}/${database}`,
    DATABASE_DIRECT_URL: dbUrl(OWNER_ROLE),
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: `vetlane-bench:${randomBytes(3).toString('hex')}:`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    ADMIN_STATS_TTL_SECONDS: String(opts.statsTtlSeconds ?? 30),
  });
  const infra = await startInfrastructure(config, createLogger('warn'));
  const app = await createApp(infra);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    dbUrl,
    close: async () => {
      await app.close();
      await infra.close();
      await bouncer.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (!reuse) await dropDatabase(opts.adminUrl, database);
    },
  };
}
