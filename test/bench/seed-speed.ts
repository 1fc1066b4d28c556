import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateScale, progressBar } from '../../seeds/scale.js';
import { runMigrations } from '../../src/database/data-sources.js';
import { bootstrapDatabase, MAINTENANCE_ROLE, OWNER_ROLE } from '../../src/database/roles.js';
import { createLogger } from '../../src/logger.js';
import { dropDatabase } from '../harness/services.js';
import { benchRun } from './capacity-setup.js';
import { cliArgs } from './bench-app.js';

/**
 * `npm run bench:seed -- [--tenants 1000] [--jobs N] [--no-history] [--keep]`: times the scale generator
 * into a throwaway, freshly migrated database (kept with --keep, for EXPLAIN and reruns).
 */
const args = cliArgs();
const tenants = Number(args.value('tenants', '1000'));
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main() {
  const database = args.value('database', `vetlane_seed_${benchRun()}`);
  const url = (role: string) => {
    const u = new URL(adminUrl);
    u.username = role;
    u.password = '';
    u.pathname = `/${database}`;
    return u.toString();
  };
  await bootstrapDatabase({ adminUrl, database });
  await runMigrations({ url: url(OWNER_ROLE), log: createLogger('warn') });
  const t0 = performance.now();
  await generateScale({
    databaseUrl: url(MAINTENANCE_ROLE),
    tenants,
    jobs: args.has('jobs') ? Number(args.value('jobs', '2')) : undefined,
    history: !args.has('no-history'),
    progress: progressBar('appointments'),
  });
  const secs = (performance.now() - t0) / 1000;
  const db = new pg.Client({ connectionString: url(MAINTENANCE_ROLE) });
  await db.connect();
  const { rows } = await db.query(
    `select (select count(*) from tenants)::int as tenants, (select count(*) from appointments)::int as appointments,
            (select count(*) from clients)::int as clients, (select count(*) from pets)::int as pets`,
  );
  await db.end();
  // Linear in the clinics only without the three-year clinic (a fixed ~388,500 appointments).
  const per10k = args.has('no-history')
    ? ` (${(((secs / tenants) * 10000) / 60).toFixed(1)} min per 10,000)`
    : ' (with the three-year clinic)';
  console.log(
    `${tenants} clinics in ${secs.toFixed(1)} s${per10k}, load average ${loadavg()[0].toFixed(1)}: ${JSON.stringify(rows[0])}`,
  );
  if (args.has('keep')) console.log(`kept database ${database}`);
  else await dropDatabase(adminUrl, database);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
