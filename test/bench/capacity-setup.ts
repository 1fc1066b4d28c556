import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { APP_NODE_FLAGS, APP_PROCESS_ENV } from '../../src/config/process-settings.js';
import { freePort, waitForPort } from '../harness/services.js';

/** The bench's clinics with a signed-in-able front desk, a pet, a vet, a type and an API token. */
export interface BenchClinic {
  slug: string;
  id: string;
  zone: string;
  email: string;
  token: string;
  petIds: string[];
  vetIds: string[];
  typeId: string;
}

/**
 * Front-desk logins (the demo password) and API tokens for the first `count` generated
 * clinics and the clinics named in `also` (the three-year clinic), in set-based SQL as the
 * maintenance role; returns what the load needs of them.
 */
export async function prepareClinics(
  maintenanceUrl: string,
  count: number,
  run: string,
  also: string[] = [],
) {
  const db = new pg.Client({ connectionString: maintenanceUrl });
  await db.connect();
  // The clinics used, numbered: the first `count` generated ones by slug, then `also`.
  const picked = (slugs: string) => `(
    select id, slug, time_zone, row_number() over (order by extra, slug) as n
      from ((select id, slug, time_zone, false as extra from tenants
              where slug like 'scale-%' and slug <> all(${slugs}::text[]) order by slug limit $1)
            union all
            select id, slug, time_zone, true from tenants where slug = any(${slugs}::text[])) x)`;
  try {
    await db.query(
      `with t as ${picked('$3')},
            u as (insert into users (email, name, password_hash)
                  select 'desk-' || t.n || '-' || $2 || '@bench.vetlane.test', 'Desk ' || t.n,
                         (select password_hash from users where email = 'admin@vetlane.test')
                    from t returning id, email),
            m as (insert into memberships (tenant_id, user_id, role)
                  select t.id, u.id, 'front_desk' from t join u on u.email = 'desk-' || t.n || '-' || $2 || '@bench.vetlane.test'
                  returning tenant_id, user_id)
       insert into api_tokens (tenant_id, name, token_hash, token_hint, created_by)
       select m.tenant_id, 'bench', encode(sha256(convert_to('vl_bench-' || $2 || '-' || t.n, 'UTF8')), 'hex'), 'bench', m.user_id
         from m join t on t.id = m.tenant_id`,
      [count, run, also],
    );
    const { rows } = await db.query(
      `select t.id, t.slug, t.time_zone as zone, t.n,
              (select array_agg(id) from (select id from pets where tenant_id = t.id limit 5) p) as pets,
              (select array_agg(id order by name) from staff where tenant_id = t.id and takes_appointments) as vets,
              (select id from appointment_types where tenant_id = t.id limit 1) as type
         from ${picked('$2')} t order by t.n`,
      [count, also],
    );
    return rows.map((r): BenchClinic => ({
      id: r.id,
      slug: r.slug,
      zone: r.zone,
      email: `desk-${r.n}-${run}@bench.vetlane.test`,
      token: `vl_bench-${run}-${r.n}`,
      petIds: r.pets,
      vetIds: r.vets,
      typeId: r.type,
    }));
  } finally {
    await db.end();
  }
}

export interface Proc {
  url: string;
  pid: number;
  /** User + system CPU seconds the process has used. */
  cpuSeconds(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** A node process of the bench (the app in production mode, or the raw baseline). */
export async function startProcess(script: string, env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  // Started as production starts it (the raw baseline too, so both run on the same settings).
  const child: ChildProcess = spawn(process.execPath, [...APP_NODE_FLAGS, script], {
    env: { ...process.env, ...APP_PROCESS_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 120_000);
  const pid = child.pid!;
  const ticks = 100; // USER_HZ on Linux
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    },
    rssMb: () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The resident memory of the bench's app processes, sampled every second while it runs,
 * each sample tagged with what was being measured: RSS steady under load, not one reading.
 */
export function rssSampler(procs: Record<string, Proc>) {
  const samples: { phase: string; proc: string; mb: number }[] = [];
  let phase = 'start';
  const timer = setInterval(() => {
    for (const [name, p] of Object.entries(procs)) {
      try {
        samples.push({ phase, proc: name, mb: p.rssMb() });
      } catch {
        // The process has exited (the run is ending).
      }
    }
  }, 1000);
  timer.unref();
  return {
    phase: (name: string) => void (phase = name),
    stop: () => clearInterval(timer),
    /** Per process: the median and the largest sample under load, and the last one after it. */
    summary: (loadPhases: (phase: string) => boolean) =>
      Object.keys(procs).map((proc) => {
        const mine = samples.filter((s) => s.proc === proc);
        const load = mine.filter((s) => loadPhases(s.phase)).map((s) => s.mb);
        const sorted = [...load].sort((a, b) => a - b);
        return {
          proc,
          samples: load.length,
          median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
          max: sorted.at(-1) ?? NaN,
          after: mine.at(-1)?.mb ?? NaN,
        };
      }),
  };
}
export type RssSummary = ReturnType<ReturnType<typeof rssSampler>['summary']>;

export const benchRun = () => randomBytes(3).toString('hex');
export const distScript = (name: string) => join(process.cwd(), 'dist', ...name.split('/'));
