import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { StartupError } from '../../src/common/startup-error.js';
import { loadOrCreateLocalSecrets } from '../../src/config/local-secrets.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { freePort } from '../harness/services.js';

/**
 * A newcomer's first start must end in a running app or in one sentence: a second copy beside
 * a running one, a folder the postgres user cannot reach, a cluster that is already running.
 */
describe('the embedded PostgreSQL', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vetlane-embedded-pg-'));
  chmodSync(scratch, 0o755);
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function start(dataDir: string, port: number) {
    const db = await startEmbeddedPostgres({
      dataDir,
      clusterDir: join(dataDir, 'pg'),
      port,
      secrets: loadOrCreateLocalSecrets(dataDir),
      log: () => undefined,
    });
    cleanups.push(() => db.stop());
    return db;
  }

  it('gives a second copy its own port, remembers it, and refuses to share a running cluster', async () => {
    const port = await freePort();
    const first = await start(join(scratch, 'first'), port);
    expect(first.port).toBe(port);

    const secondDir = join(scratch, 'second');
    const second = await start(secondDir, port);
    expect(second.port).not.toBe(port);
    expect(Number(readFileSync(join(secondDir, 'pg.port'), 'utf8'))).toBe(second.port);

    const again = startEmbeddedPostgres({
      dataDir: join(scratch, 'first'),
      clusterDir: join(scratch, 'first', 'pg'),
      port: await freePort(),
      secrets: loadOrCreateLocalSecrets(join(scratch, 'first')),
      log: () => undefined,
    });
    await expect(again).rejects.toThrow(StartupError);
    await expect(again).rejects.toThrow(/already running/);

    await second.stop();
    const restarted = await start(secondDir, port);
    expect(restarted.port).toBe(second.port); // the remembered port, not the busy default
  });

  it('runs from a folder that only its owner can enter (root: the cluster lives outside it)', async () => {
    const privateParent = join(scratch, 'private');
    mkdirSync(privateParent, { mode: 0o700 });
    chmodSync(privateParent, 0o700);
    const dataDir = join(privateParent, 'data');
    const db = await start(dataDir, await freePort());
    const [{ one }] = (await query(db.directUrl, 'select 1 as one')).rows;
    expect(one).toBe(1);
    if (process.getuid?.() === 0) {
      // PostgreSQL runs as user postgres, who cannot enter the folder: its files live elsewhere.
      const where = readFileSync(join(dataDir, 'pg-location.txt'), 'utf8');
      const clusterDir = /lives in (\S+)/.exec(where)?.[1] ?? '';
      expect(clusterDir.startsWith(privateParent)).toBe(false);
      expect(existsSync(join(clusterDir, 'PG_VERSION'))).toBe(true);
      cleanups.unshift(() => rmSync(dirname(clusterDir), { recursive: true, force: true }));
    } else {
      expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    }
  });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}
