import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../src/database/data-sources.js';
import { bootstrapDatabase, OWNER_ROLE, RUNTIME_ROLE } from '../../src/database/roles.js';
import { createLogger } from '../../src/logger.js';

/** A migrated database of its own on the local PostgreSQL, for one benchmark run, dropped after. */
export async function throwawayDatabase() {
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `vetlane_bench_${randomBytes(4).toString('hex')}`;
  await bootstrapDatabase({ adminUrl, database });
  const host = new URL(adminUrl).host;
  const direct = `postgres://${OWNER_ROLE}@${host}/${database}`;
  await runMigrations({ url: direct, log: createLogger('warn') });
  return {
    adminUrl,
    database,
    direct,
    runtime: direct,
    /** The app's own role, directly (no pgBouncer): RLS applies. */
    app: `postgres://${RUNTIME_ROLE}@${host}/${database}`,
    drop: async () => {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      await admin.query(`drop database if exists "${database}"`);
      await admin.end();
    },
  };
}
