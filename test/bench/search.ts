/**
 * Search benchmark: one throwaway clinic with 100,000 clients and ~150,000 pets, the search
 * box's queries run many times through the real SearchService, p50/p95 latency and the
 * EXPLAIN (ANALYZE) plan printed, then everything deleted.
 *
 *   npm run bench:search                    # own throwaway database on 127.0.0.1:5432
 *   DATABASE_URL=… DATABASE_DIRECT_URL=… npm run bench:search   # an existing database
 *
 * Rows are bulk-inserted as the owner role (DATABASE_DIRECT_URL) inside a transaction that
 * first sets the tenant: FORCE RLS applies to the owner too. Queries run as the runtime
 * role through DATABASE_URL (pgBouncer) when given, else over the owner's direct connection.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { NAMES, PET_NAMES } from '../../seeds/demo-data.js';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { createLogger } from '../../src/logger.js';
import { searchSql } from '../../src/pet/pet.queries.js';
import { SearchService } from '../../src/pet/search.service.js';
import { searchTerms, termConditions } from '../../src/pet/search.terms.js';
import { throwawayDatabase } from './throwaway-db.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
// BENCH_CLIENTS, BENCH_RUNS change the size; BENCH_KEEP=1 leaves the data for EXPLAIN by hand.
const CHUNK = 10_000;
const QUERIES = [
  'garc', // very common surname prefix (thousands of matches)
  'garcia lopez',
  'Muñoz',
  'alvaro',
  'marti',
  'sofia rom',
  '600 12', // phone digits with a space
  'luna', // pet name
  'zzqx', // nothing matches
];

const log = createLogger('warn');

const sqlArray = (items: readonly string[]) =>
  `array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}]`;

/** Generates rows server-side (generate_series) in chunks, as the owner with the tenant set. */
async function load(owner: pg.Client, tenantId: string) {
  const first = sqlArray([...NAMES.es.first, ...NAMES.en.first]);
  const last = sqlArray([...NAMES.es.last, ...NAMES.en.last]);
  const pets = sqlArray(PET_NAMES);
  const started = Date.now();
  for (let from = 1; from <= CLIENTS; from += CHUNK) {
    const to = Math.min(CLIENTS, from + CHUNK - 1);
    await owner.query('begin');
    await owner.query('select set_tenant($1)', [tenantId]);
    await owner.query(
      `insert into clients (tenant_id, first_name, last_name, email, phone)
       select $1, f[1 + (i * 7) % array_length(f, 1)],
              l[1 + (i * 13) % array_length(l, 1)] || ' ' || l[1 + (i * 31 / 7) % array_length(l, 1)],
              'client' || i || '@example.com', '+34 6' || lpad(((i * 7919) % 100000000)::text, 8, '0')
         from generate_series($2::int, $3::int) i, (select ${first} as f, ${last} as l) n`,
      [tenantId, from, to],
    );
    await owner.query(
      `insert into pets (tenant_id, client_id, name, species, microchip)
       select c.tenant_id, c.id, n.p[1 + (abs(hashtext(c.id::text || k)) % array_length(n.p, 1))],
              case when k = 1 then 'dog' else 'cat' end,
              case when abs(hashtext(c.id::text)) % 10 < 6 and k = 1
                   then '941' || lpad(($3::bigint * 2 + row_number() over ())::text, 12, '0') end
         from (select * from clients where tenant_id = $1 order by created_at desc, id limit $2) c
         cross join generate_series(1, 2) k, (select ${pets} as p) n
        where k = 1 or abs(hashtext(c.id::text)) % 2 = 0`,
      [tenantId, to - from + 1, from],
    );
    await owner.query('commit');
    process.stdout.write(
      `\r  loaded ${to.toLocaleString('en')} / ${CLIENTS.toLocaleString('en')} clients (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  process.stdout.write('\n');
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const given = process.env.DATABASE_URL && process.env.DATABASE_DIRECT_URL;
  const db = given
    ? {
        direct: process.env.DATABASE_DIRECT_URL!,
        runtime: process.env.DATABASE_URL!,
        drop: async () => {},
      }
    : await throwawayDatabase();
  console.log(
    given
      ? 'Using DATABASE_URL / DATABASE_DIRECT_URL'
      : 'Using a throwaway database on 127.0.0.1:5432',
  );
  const owner = new pg.Client({ connectionString: db.direct });
  await owner.connect();
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const {
    rows: [{ id: tenantId }],
  } = await owner.query(
    `insert into tenants (slug, name, time_zone) values ($1, 'Search benchmark', 'Europe/Madrid') returning id`,
    [slug],
  );
  const ds = await createRuntimeDataSource({ url: db.runtime, poolSize: 2, log }).initialize();
  try {
    console.log(`Tenant ${slug}: loading ${CLIENTS.toLocaleString('en')} clients and their pets`);
    await load(owner, tenantId);
    await owner.query('analyze clients; analyze pets');
    const {
      rows: [counts],
    } = await owner.query(
      `select (select count(*) from clients where tenant_id = $1::uuid)::int as clients,
              (select count(*) from pets where tenant_id = $1::uuid)::int as pets
         from (select set_config('app.tenant_id', $1::text, false)) s`,
      [tenantId],
    );
    console.log(`Loaded ${counts.clients} clients, ${counts.pets} pets\n`);
    // One real phone (typed as the national number, with spaces) and one real chip's start.
    await owner.query('select set_config($1, $2, false)', ['app.tenant_id', tenantId]);
    const {
      rows: [sample],
    } = await owner.query(
      `select (select phone from clients where tenant_id = $1 limit 1 offset 777) as phone,
              (select microchip from pets where tenant_id = $1 and microchip is not null limit 1 offset 999) as chip`,
      [tenantId],
    );
    const national = String(sample.phone).replace(/\D/g, '').slice(2);
    QUERIES.push(`${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`);
    QUERIES.push(String(sample.chip).slice(0, 12));

    const tenantDb = new TenantDb(ds);
    const search = new SearchService(tenantDb);
    const all: number[] = [];
    console.log('query'.padEnd(16), 'hits', '  p50 ms', '  p95 ms');
    for (const q of QUERIES) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        hits = (await tenantDb.runFor(tenantId, (tx) => search.searchIn(tx, q))).length;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      console.log(
        JSON.stringify(q).padEnd(16),
        String(hits).padStart(4),
        percentile(times, 50).toFixed(1).padStart(8),
        percentile(times, 95).toFixed(1).padStart(8),
      );
    }
    all.sort((a, b) => a - b);
    console.log(
      `\nAll ${all.length} searches (whole transaction, set_tenant included): p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms`,
    );

    for (const q of ['garc', 'luna']) {
      const terms = searchTerms(q)!;
      const plan = await tenantDb.runFor(tenantId, ({ manager }) =>
        manager.query(
          `explain (analyze, buffers, costs off) ${searchSql({ words: terms.words.length, clients: true, pets: true })}`,
          [tenantId, terms.whole, 20, ...termConditions('c', terms, 4).params],
        ),
      );
      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) for ${JSON.stringify(q)}:`);
      console.log(plan.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n'));
    }
  } finally {
    await ds.destroy();
    if (process.env.BENCH_KEEP) {
      console.log(`\nBENCH_KEEP: left tenant ${tenantId} in ${db.direct}`);
      await owner.end();
      return;
    }
    console.log('\nDeleting the benchmark tenant …');
    await owner.query('delete from tenants where id = $1', [tenantId]);
    await owner.end();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
