/**
 * Overload benchmark: one app process (built, `node dist/src/main.js`) on a throwaway
 * database behind pgBouncer, Redis and embedded S3; 200 clients loop on the front desk's day
 * calendar for 60 s while /health is probed every 50 ms and the process's RSS is sampled.
 *
 *   npm run bench:overload            # BENCH_SECONDS, BENCH_CLIENTS to change the load
 *   BENCH_IGNORE_RETRY_AFTER=1 npm run bench:overload   # clients that ask again at once after a 503
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:overload   # profile the app
 */
import { spawn } from 'node:child_process';
import { APP_NODE_FLAGS, APP_PROCESS_ENV } from '../../src/config/process-settings.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { OWNER_ROLE, RUNTIME_ROLE } from '../../src/database/roles.js';
import { WebClient } from '../harness/http.js';
import { freePort, startPgBouncer, waitForPort } from '../harness/services.js';
import { throwawayDatabase } from './throwaway-db.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const IGNORE_RETRY_AFTER = process.env.BENCH_IGNORE_RETRY_AFTER === '1';
const CLINIC = 'clinica-veterinaria-centro';
const PAGE = `/c/${CLINIC}/calendar`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The /health prober (a worker thread): a GET every 50 ms until `until`, timings posted at the end. */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const timings = [];
  while (Date.now() < workerData.until) {
    const started = performance.now();
    try {
      const res = await fetch(workerData.url, { signal: AbortSignal.timeout(30000) });
      await res.arrayBuffer();
    } catch {}
    timings.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage(timings);
})();`;

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return line ? Number(line[1]) / 1024 : NaN;
}

async function timed(url: string, cookie: string) {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      headers: { cookie, accept: 'text/html' },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    const retryAfter = Number(res.headers.get('retry-after') ?? 0);
    return { status: res.status, ms: performance.now() - started, retryAfter };
  } catch {
    return { status: 0, ms: performance.now() - started, retryAfter: 0 };
  }
}

async function main() {
  const db = await throwawayDatabase();
  const admin = new URL(db.adminUrl);
  const bouncer = await startPgBouncer({
    pgHost: admin.hostname,
    pgPort: Number(admin.port || 5432),
    users: [RUNTIME_ROLE, OWNER_ROLE],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'vetlane-bench-overload-'));
  const port = await freePort();
  // BENCH_NODE_ARGS: flags for the app's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Started as production starts it (npm run start:prod, the Dockerfile): same node flags and env.
  const app = spawn(process.execPath, [...APP_NODE_FLAGS, ...nodeArgs, 'dist/src/main.js'], {
    env: {
      ...process.env,
      ...APP_PROCESS_ENV,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}/${db.database}`,
      DATABASE_DIRECT_URL: db.direct,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `vetlane-bench-overload-${port}:`,
      SEED_DEMO: 'true',
      TENANT_REQUESTS_PER_MINUTE: 'standard=1000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForPort(port, 180_000);
    const base = `http://127.0.0.1:${port}`;
    const web = new WebClient(base);
    await web.signIn('frontdesk@clinica-veterinaria-centro.vetlane.test');
    const cookie = `vetlane.sid=${web.cookie('vetlane.sid')}`;

    const quiet: number[] = [];
    for (let i = 0; i < 200; i++) quiet.push((await timed(base + PAGE, cookie)).ms);
    const quietP99 = pct(quiet, 0.99);
    console.log(`unloaded ${PAGE}: p50 ${ms(pct(quiet, 0.5))}, p99 ${ms(quietP99)}`);

    const answers: { status: number; ms: number }[] = [];
    const health: number[] = [];
    const rss: number[] = [rssMb(app.pid!)];
    const until = Date.now() + SECONDS * 1000;
    // A client told to come back later (503/429 with Retry-After) waits that long, as a
    // script with back-off would; BENCH_IGNORE_RETRY_AFTER=1 makes every client ask again at once.
    const client = async () => {
      while (Date.now() < until) {
        const answer = await timed(base + PAGE, cookie);
        answers.push(answer);
        if (!IGNORE_RETRY_AFTER && answer.retryAfter > 0)
          await sleep(Math.min(answer.retryAfter * 1000, Math.max(0, until - Date.now())));
      }
    };
    // The probe runs on its own thread: its timings are the app's, not this loop's backlog
    // of 200 clients' callbacks.
    const prober = () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(PROBE, {
          eval: true,
          workerData: { url: `${base}/health`, until },
        });
        worker.on('message', (timings: number[]) => health.push(...timings));
        worker.on('error', reject);
        worker.on('exit', () => resolve());
      });
    const sampler = async () => {
      while (Date.now() < until) {
        await sleep(5000);
        rss.push(rssMb(app.pid!));
      }
    };
    await Promise.all([...Array.from({ length: CLIENTS }, client), prober(), sampler()]);

    const admitted = answers.filter((a) => a.status >= 200 && a.status < 400).map((a) => a.ms);
    const shed = answers.filter((a) => a.status === 503 || a.status === 429).map((a) => a.ms);
    const other = answers.filter(
      (a) => !(a.status >= 200 && a.status < 400) && a.status !== 503 && a.status !== 429,
    );
    console.log(
      `${CLIENTS} clients for ${SECONDS} s (${IGNORE_RETRY_AFTER ? 'asking again at once after a 503' : 'honouring Retry-After'}): ${answers.length} answers, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `  admitted ${admitted.length}: p50 ${ms(pct(admitted, 0.5))}, p99 ${ms(pct(admitted, 0.99))} (${(pct(admitted, 0.99) / quietP99).toFixed(1)}x unloaded p99)`,
    );
    console.log(
      `  shed (503/429) ${shed.length}: p50 ${ms(pct(shed, 0.5))}, p99 ${ms(pct(shed, 0.99))}`,
    );
    console.log(
      `  other answers ${other.length} (${[...new Set(other.map((o) => o.status))].join(', ') || 'none'}; 0 = no answer in 30 s)`,
    );
    console.log(
      `  /health: n=${health.length}, p50 ${ms(pct(health, 0.5))}, p99 ${ms(pct(health, 0.99))}`,
    );
    console.log(`  RSS every 5 s (MB): ${rss.map((r) => r.toFixed(0)).join(' ')}`);
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    await bouncer.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
