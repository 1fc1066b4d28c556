import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type PgBouncer, startPgBouncer, waitForPort } from './services.js';

/**
 * Services of one fault-injection test, each on a free port and its own to stop and start
 * again on the same port: a throwaway PostgreSQL 15 cluster (Debian's binaries, run as user
 * postgres), a pgBouncer in front of it, and a redis-server that keeps nothing on disk.
 */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asPostgres = process.getuid?.() === 0;

function runPg(binary: string, args: string[]) {
  const [cmd, argv] = asPostgres
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]]
    : [join(PG_BIN, binary), args];
  execFileSync(cmd, argv, { stdio: 'ignore', timeout: 120_000 });
}

export interface Restartable {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<
  Restartable & { destroy(): Promise<void> }
> {
  const dir = mkdtempSync(join(tmpdir(), 'vetlane-fault-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  runPg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = async () => {
    runPg('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '120',
      '-l',
      join(dir, 'log'),
      '-o',
      options,
    ]);
    await waitForPort(port, 60_000);
  };
  // Fast shutdown: open transactions are rolled back and every session is cut, as in a crash of the server.
  const stop = async () => runPg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '120']);
  await start();
  return {
    port,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRestartablePgBouncer(opts: {
  pgPort: number;
  users: string[];
}): Promise<Restartable> {
  const port = await freePort();
  let bouncer: PgBouncer | undefined;
  const start = async () => {
    bouncer = await startPgBouncer({
      pgHost: '127.0.0.1',
      pgPort: opts.pgPort,
      users: opts.users,
      port,
    });
  };
  await start();
  return { port, start, stop: async () => bouncer?.stop() };
}

/**
 * A Redis of the test's own. `persistent`: every write is in an append-only file in a
 * throwaway folder, so a restart keeps sessions and cache generations (as production's does).
 */
export async function startRestartableRedis(
  opts: { persistent?: boolean } = {},
): Promise<Restartable> {
  const port = await freePort();
  const storage = opts.persistent
    ? ['--dir', mkdtempSync(join(tmpdir(), 'vetlane-redis-')), '--appendonly', 'yes']
    : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      process.env.REDIS_SERVER_BIN ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...storage],
      { stdio: 'ignore' },
    );
    await waitForPort(port, 30_000);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const gone = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await gone;
  };
  await start();
  return { port, start, stop };
}
