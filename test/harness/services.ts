import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`Nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until a spawned server listens on `port` (killing it if it never does) and returns
 * how to end it: the given signal, then SIGKILL after 3 s.
 */
export async function listeningChild(
  child: ChildProcess,
  port: number,
  what: string,
): Promise<(signal: NodeJS.Signals) => Promise<void>> {
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitForPort(port).catch((err) => {
    child.kill('SIGKILL');
    throw new Error(`${what} did not start: ${String(err)}`);
  });
  return async (signal) => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    if (!exited) child.kill('SIGKILL');
  };
}

export interface PgBouncer {
  port: number;
  stop(): Promise<void>;
}

/**
 * The Debian pgbouncer binary in transaction pooling mode on a free port, in front of the
 * local PostgreSQL (STACK-NOTES.md). pgBouncer refuses to run as root: run it as postgres.
 */
export async function startPgBouncer(opts: {
  pgHost: string;
  pgPort: number;
  users: string[];
  poolSize?: number;
  /** A fixed port (a restart in a fault test); a free one by default. */
  port?: number;
}): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'vetlane-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = opts.port ?? (await freePort());
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), opts.users.map((u) => `"${u}" ""`).join('\n') + '\n', {
    mode: 0o644,
  });
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${opts.pgHost} port=${opts.pgPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      `default_pool_size = ${opts.poolSize ?? 20}`,
      'ignore_startup_parameters = extra_float_digits,options',
      'server_reset_query =',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const binary = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', binary, ini], { stdio: 'ignore' })
    : spawn(binary, [ini], { stdio: 'ignore' });
  const end = await listeningChild(child, port, `pgbouncer (${binary})`);
  return {
    port,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the statements in order on one connection (a session setting holds for the rest). */
export async function adminQueries(adminUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function adminQuery(adminUrl: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** Drops a test database, first ending sessions that still use it (pgBouncer's server connections). */
export async function dropDatabase(adminUrl: string, database: string) {
  await adminQuery(
    adminUrl,
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  await adminQuery(adminUrl, `drop database if exists "${database}"`);
}

/** A superuser connection to this run's database: sees every tenant (RLS does not apply). */
export function superuserUrl(): string {
  const admin = new URL(process.env.PG_ADMIN_URL!);
  admin.pathname = new URL(process.env.DATABASE_DIRECT_URL!).pathname;
  return admin.toString();
}

export async function tenantIdOf(slug: string): Promise<string> {
  const res = await adminQuery(superuserUrl(), 'select id from tenants where slug = $1', [slug]);
  if (!res.rows[0]) throw new Error(`no tenant ${slug}`);
  return res.rows[0].id;
}
