import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { MAINTENANCE_ROLE } from '../../src/database/roles.js';
import { WebClient } from '../harness/http.js';
import { cliArgs, startBenchApp } from './bench-app.js';

/**
 * Streams the export of a large clinic through the real app and samples the app
 * process's memory while it runs, for two clinic sizes: flat memory means the peak does
 * not grow with the clinic.
 *
 *   npm run bench:export -- [--clients 200000] [--database vetlane_bench]
 */
async function makeClinic(url: string, clients: number): Promise<{ slug: string; email: string }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const slug = `export-bench-${clients}-${Date.now().toString(36)}`;
  const email = `manager@${slug}.vetlane.test`;
  try {
    await db.query('begin');
    const {
      rows: [t],
    } = await db.query(
      `insert into tenants (slug, name, time_zone) values ($1, $1, 'UTC') returning id`,
      [slug],
    );
    await db.query(
      `insert into users (email, name, password_hash)
       select $1, 'Export Bench', password_hash from users where email = 'admin@vetlane.test'`,
      [email],
    );
    await db.query(
      `insert into memberships (tenant_id, user_id, role) select $1, id, 'manager' from users where email = $2`,
      [t.id, email],
    );
    await db.query(
      `insert into staff (tenant_id, name, kind, takes_appointments) values ($1, 'Dr. Bench', 'vet', true)`,
      [t.id],
    );
    await db.query(
      `insert into appointment_types (tenant_id, name, duration_minutes) values ($1, 'Visit', 30)`,
      [t.id],
    );
    await db.query(
      `insert into clients (tenant_id, first_name, last_name, email, address, notes)
       select $1, 'Client', 'Number ' || g, 'c' || g || '@example.com', g || ' Long Street, Springfield',
              'Allergic to nothing in particular; prefers morning appointments.'
         from generate_series(1, $2::int) g`,
      [t.id, clients],
    );
    await db.query(
      `insert into pets (tenant_id, client_id, name, species) select tenant_id, id, 'Pet', 'dog' from clients where tenant_id = $1`,
      [t.id],
    );
    await db.query(
      `insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
       select p.tenant_id, p.client_id, p.id, s.id, ty.id,
              timestamptz '2024-01-01' + (row_number() over (order by p.id)) * interval '30 minutes',
              timestamptz '2024-01-01' + (row_number() over (order by p.id)) * interval '30 minutes' + interval '30 minutes',
              'completed'
         from pets p join staff s on s.tenant_id = p.tenant_id join appointment_types ty on ty.tenant_id = p.tenant_id
        where p.tenant_id = $1`,
      [t.id],
    );
    await db.query('commit');
    // A clinic that grew over months has planner statistics; a bulk load needs them made.
    await db.query('analyze clients, pets, appointments');
    return { slug, email };
  } finally {
    await db.end();
  }
}

async function exportOnce(url: string, clinic: { slug: string; email: string }) {
  const web = new WebClient(url);
  await web.signIn(clinic.email);
  // Live memory: a full GC before each sample, so garbage not yet collected does not count.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    gc?.();
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 250);
  const t0 = performance.now();
  const res = await fetch(`${url}/c/${clinic.slug}/export.zip`, {
    headers: { cookie: `vetlane.sid=${web.cookie('vetlane.sid')}` },
  });
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  const secs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return `status ${res.status}, ${mb(bytes)} MB zip in ${secs.toFixed(1)} s; app process peak live heap +${mb(peakHeap - base.heapUsed)} MB, peak RSS +${mb(peakRss - base.rss)} MB`;
}

async function main() {
  const args = cliArgs();
  const clients = Number(args.value('clients', '200000'));
  const bench = await startBenchApp({
    adminUrl: args.value('admin-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
    database: args.has('database') ? args.value('database', '') : undefined,
    tenants: 0,
    redisUrl: args.value('redis-url', 'redis://127.0.0.1:6379'),
  });
  try {
    for (const size of [Math.round(clients / 10), clients]) {
      console.log(`making a clinic with ${size} clients, ${size} pets, ${size} appointments …`);
      const clinic = await makeClinic(bench.dbUrl(MAINTENANCE_ROLE), size);
      console.log(`export of ${size * 3} rows: ${await exportOnce(bench.url, clinic)}`);
    }
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
