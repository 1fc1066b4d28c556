import pg from 'pg';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The scale generator: N tenants with staff, opening hours, clients, pets and
 * appointments over the last 45 and next 15 days, in volume tiers (10 % high, 30 %
 * medium, 60 % low by monthly appointments), plus (unless `history: false`) one clinic
 * with three years of history: 20 vets, 6,000 pets, 388,500 appointments, its last full
 * day today. Rows are generated inside PostgreSQL (INSERT … SELECT over generate_series,
 * one batch of tenants per transaction), as `vetlane_maintenance` (BYPASSRLS: RLS would
 * refuse bulk loads by the runtime role). Batches run on `jobs` connections at once, and
 * the progress line weighs each batch by its appointments (most of the cost), so its ETA
 * holds while the big clinic loads. The platform admin's numbers are counted from the
 * tables, so nothing else needs updating.
 *
 *   npm run seed:scale -- --tenants 10000 [--jobs 3] [--no-history]
 *                         [--database-url postgres://vetlane_maintenance@127.0.0.1/vetlane]
 */
export interface ScaleOptions {
  databaseUrl: string;
  tenants: number;
  batch?: number;
  /** Connections loading batches at once (default: the number of cores, at least 2). */
  jobs?: number;
  /** The clinic with three years of history (default true). */
  history?: boolean;
  /** Slug prefix, so several runs can coexist; tenants already there are kept. */
  prefix?: string;
  progress?: (done: number, total: number) => void;
}

/** The three-year clinic: 355 appointments a day (20 vets × 18 half-hour slots, less 5), 1,094 days. */
export const HISTORY = {
  slug: 'history',
  appointments: 388_500,
  perDay: 355,
  vets: 20,
  pets: 6000,
  /** Days after today the history runs on to, so today is a full day. */
  daysAhead: 4,
  chunks: 12,
} as const;

/** Appointments of generated tenant `i` over 60 days: the volume tier, from the tenant number. */
export function appointmentsOf(i: number): number {
  const perMonth =
    i % 10 === 0 ? 200 + ((i * 31) % 200) : i % 10 < 4 ? 50 + ((i * 17) % 150) : (i * 13) % 50;
  return perMonth * 2;
}
const APPOINTMENTS_SQL = `case when i % 10 = 0 then 200 + (i * 31) % 200
                               when i % 10 < 4 then 50 + (i * 17) % 150
                               else (i * 13) % 50 end * 2`;

const TENANTS_SQL = `
  insert into tenants (slug, name, company_id, time_zone, plan)
  select $3 || lpad(i::text, 6, '0'), 'Scale Clinic ' || i, co.id,
         (array['Europe/Madrid', 'America/Mexico_City', 'America/New_York', 'UTC'])[1 + i % 4],
         (array['basic', 'standard', 'standard', 'enterprise'])[1 + i % 4]
    from generate_series($1::int, $2::int) i
    left join companies co on i % 2 = 0 and co.slug = $3 || 'co-' || (i / 10)
  on conflict (slug) do nothing
  returning id, (regexp_replace(slug, '^.*-', ''))::int as i`;

/** Staff, hours, a type, clients and one pet each, for the tenants in scale_batch. */
const DIRECTORY_SQL = `
  insert into staff (tenant_id, name, kind, takes_appointments)
  select b.id, 'Staff ' || s, (array['vet', 'vet', 'nurse', 'front_desk', 'manager'])[s], s <= 2
    from scale_batch b cross join generate_series(1, 5) s;
  insert into appointment_types (tenant_id, name, duration_minutes, is_default)
  select id, 'Consultation', 30, true from scale_batch;
  insert into opening_hours (tenant_id, weekday, opens, closes)
  select b.id, d, '08:00', '18:00' from scale_batch b cross join generate_series(1, 6) d;
  insert into clients (tenant_id, first_name, last_name, email)
  select b.id, 'Client', 'Number ' || g, 'client' || g || '@example.com'
    from scale_batch b cross join generate_series(1, b.clients) g;
  insert into pets (tenant_id, client_id, name, species)
  select c.tenant_id, c.id, 'Pet', (array['dog', 'cat', 'rabbit'])[1 + abs(hashtext(c.id::text)) % 3]
    from clients c join scale_batch b on b.id = c.tenant_id`;

/**
 * One vet, 20 half-hour slots a day: the k-th appointment gets a day and a slot of its own,
 * so the no-double-booking constraint never fires.
 */
const APPOINTMENTS_INSERT = `
  with p as (
    select pets.tenant_id, pets.id as pet_id, pets.client_id,
           row_number() over (partition by pets.tenant_id order by pets.id) as rn,
           count(*) over (partition by pets.tenant_id) as cnt
      from pets join scale_batch b on b.id = pets.tenant_id
  ), v as (
    select distinct on (s.tenant_id) s.tenant_id, s.id as staff_id
      from staff s join scale_batch b on b.id = s.tenant_id where s.kind = 'vet' order by s.tenant_id, s.name
  ), slots as (
    select b.id as tenant_id, k,
           date_trunc('day', now()) - interval '45 days'
             + make_interval(days => (k * 60 / greatest(b.appointments, 1))::int)
             + interval '8 hours' + (k % 20) * interval '30 minutes' as starts_at
      from scale_batch b cross join generate_series(0, b.appointments - 1) k
  )
  insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
  select s.tenant_id, p.client_id, p.pet_id, v.staff_id, t.id, s.starts_at, s.starts_at + interval '30 minutes',
         case when s.starts_at > now() then 'booked'
              when s.k % 20 = 7 then 'no_show' when s.k % 20 = 13 then 'cancelled' else 'completed' end
    from slots s
    join v on v.tenant_id = s.tenant_id
    join appointment_types t on t.tenant_id = s.tenant_id
    join p on p.tenant_id = s.tenant_id and p.rn = (s.k % p.cnt) + 1`;

/** A batch of generated tenants, or a chunk of the three-year clinic's appointments. */
interface Unit {
  kind: 'tenants' | 'history';
  from: number;
  to: number;
  weight: number;
}

async function loadTenants(client: pg.Client, prefix: string, from: number, to: number) {
  await client.query('begin');
  const { rows } = await client.query<{ id: string; i: number }>(TENANTS_SQL, [from, to, prefix]);
  if (!rows.length) return client.query('commit');
  await client.query(
    `create temp table scale_batch on commit drop as
     select id, i, 10 + (i * 7919) % 70 as clients, ${APPOINTMENTS_SQL} as appointments
       from jsonb_to_recordset($1::jsonb) as x(id uuid, i int)`,
    [JSON.stringify(rows)],
  );
  await client.query(DIRECTORY_SQL);
  await client.query(APPOINTMENTS_INSERT);
  await client.query('commit');
}

/** The three-year clinic's tenant, staff, hours, clients and pets (appointments come in chunks). */
async function createHistoryClinic(client: pg.Client, prefix: string): Promise<string | null> {
  await client.query('begin');
  const { rows } = await client.query<{ id: string }>(
    `insert into tenants (slug, name, time_zone, plan)
     values ($1, 'Scale Clinic with three years of history', 'Europe/Madrid', 'enterprise')
     on conflict (slug) do nothing returning id`,
    [prefix + HISTORY.slug],
  );
  if (!rows.length) {
    await client.query('commit');
    return null;
  }
  const id = rows[0].id;
  await client.query(
    `insert into staff (tenant_id, name, kind, takes_appointments)
     select $1::uuid, 'Vet ' || lpad(s::text, 2, '0'), 'vet', true from generate_series(1, $2::int) s
     union all select $1::uuid, 'Nurse ' || s, 'nurse', false from generate_series(1, 3) s
     union all select $1::uuid, 'Desk ' || s, 'front_desk', false from generate_series(1, 3) s
     union all select $1::uuid, 'Manager', 'manager', false`,
    [id, HISTORY.vets],
  );
  await client.query(
    `insert into appointment_types (tenant_id, name, duration_minutes, is_default)
     values ($1::uuid, 'Consultation', 30, true)`,
    [id],
  );
  await client.query(
    `insert into opening_hours (tenant_id, weekday, opens, closes)
     select $1::uuid, d, '08:00', '18:00' from generate_series(1, 7) d`,
    [id],
  );
  await client.query(
    `insert into clients (tenant_id, first_name, last_name, email)
     select $1::uuid, 'Client', 'Number ' || g, 'client' || g || '@example.com' from generate_series(1, $2::int) g`,
    [id, HISTORY.pets],
  );
  await client.query(
    `insert into pets (tenant_id, client_id, name, species)
     select tenant_id, id, 'Pet', (array['dog', 'cat', 'rabbit'])[1 + abs(hashtext(id::text)) % 3]
       from clients where tenant_id = $1::uuid`,
    [id],
  );
  await client.query('commit');
  return id;
}

/**
 * Appointments k in [from, to) of the three-year clinic: day k / 355, vet and slot from
 * k % 355, so no vet is ever double-booked; days run up to HISTORY.daysAhead after today.
 */
async function loadHistory(client: pg.Client, tenantId: string, from: number, to: number) {
  const days = Math.ceil(HISTORY.appointments / HISTORY.perDay);
  await client.query(
    `with p as (
       select id as pet_id, client_id, row_number() over (order by id) - 1 as rn
         from pets where tenant_id = $1::uuid
     ), v as (
       select id as staff_id, row_number() over (order by name) - 1 as rn
         from staff where tenant_id = $1::uuid and takes_appointments
     ), slots as (
       select k, (k % $5::int) % $6::int as vet, k % $7::int as pet,
              date_trunc('day', now()) - make_interval(days => $4::int - 1 - $8::int - k / $5::int)
                + interval '7 hours' + ((k % $5::int) / $6::int) * interval '30 minutes' as starts_at
         from generate_series($2::int, $3::int - 1) k
     )
     insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
     select $1::uuid, p.client_id, p.pet_id, v.staff_id, t.id, s.starts_at, s.starts_at + interval '30 minutes',
            case when s.starts_at > now() then 'booked'
                 when s.k % 20 = 7 then 'no_show' when s.k % 20 = 13 then 'cancelled' else 'completed' end
       from slots s
       join v on v.rn = s.vet
       join p on p.rn = s.pet
       join appointment_types t on t.tenant_id = $1::uuid`,
    [tenantId, from, to, days, HISTORY.perDay, HISTORY.vets, HISTORY.pets, HISTORY.daysAhead],
  );
}

function plan(opts: ScaleOptions, batch: number, historyId: string | null): Unit[] {
  const units: Unit[] = [];
  for (let from = 1; from <= opts.tenants; from += batch) {
    const to = Math.min(opts.tenants, from + batch - 1);
    let weight = 0;
    for (let i = from; i <= to; i++) weight += appointmentsOf(i) + 100;
    units.push({ kind: 'tenants', from, to, weight });
  }
  if (historyId) {
    const size = Math.ceil(HISTORY.appointments / HISTORY.chunks);
    const batches = units.length;
    // Spread among the tenant batches, so the ETA stays honest from the start.
    for (let c = 0; c < HISTORY.chunks; c++) {
      const from = c * size;
      const to = Math.min(HISTORY.appointments, from + size);
      const at = Math.floor(((c + 0.5) / HISTORY.chunks) * batches);
      units.splice(at + c, 0, { kind: 'history', from, to, weight: to - from });
    }
  }
  return units;
}

/** The tables a load fills; in a fresh database their secondary indexes and checks are built after it. */
const BULK_TABLES = ['clients', 'pets', 'appointments'];

/**
 * In a database whose bulk tables are still empty (the benchmarks' throwaway databases),
 * drops their foreign keys and plain indexes, and returns the statements that put them
 * back from the catalog's own definitions: building a b-tree or GIN index once over all
 * rows and checking a foreign key with one join costs a fraction of doing both row by row.
 * Primary keys, unique and exclusion constraints stay (a GiST exclusion constraint built
 * afterwards took 126 s for 550,000 appointments, far more than keeping it).
 * Nothing is dropped when any of the tables has rows.
 */
async function deferChecks(
  client: pg.Client,
): Promise<{ indexes: string[]; constraints: string[] }> {
  const none = { indexes: [], constraints: [] };
  for (const table of BULK_TABLES) {
    const { rowCount } = await client.query(`select 1 from ${table} limit 1`);
    if (rowCount) return none;
  }
  const { rows } = await client.query<{ kind: string; restore: string; drop: string }>(
    `select 'constraint' as kind,
            format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as restore,
            format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop
       from pg_constraint where contype = 'f' and conrelid = any($1::regclass[])
     union all
     select 'index', pg_get_indexdef(i.indexrelid), format('drop index %s', i.indexrelid::regclass)
       from pg_index i
      where i.indrelid = any($1::regclass[])
        and not exists (select from pg_constraint c where c.conindid = i.indexrelid)`,
    [BULK_TABLES],
  );
  await client.query('begin');
  for (const r of rows) await client.query(r.drop);
  await client.query('commit');
  return {
    indexes: rows.filter((r) => r.kind === 'index').map((r) => r.restore),
    constraints: rows.filter((r) => r.kind === 'constraint').map((r) => r.restore),
  };
}

/** Builds the deferred indexes on all connections at once, then adds the constraints back (checking them). */
async function restoreChecks(
  clients: pg.Client[],
  deferred: { indexes: string[]; constraints: string[] },
  done: () => void = () => undefined,
) {
  // After a failure some may be back already (42P07, 42710): put back the rest.
  const run = (c: pg.Client, sql: string) =>
    c.query(sql).catch((err: { code?: string }) => {
      if (err.code !== '42P07' && err.code !== '42710') throw err;
    });
  const queue = [...deferred.indexes];
  await Promise.all(
    clients.map(async (c) => {
      await c.query('rollback').catch(() => undefined);
      for (let sql = queue.shift(); sql; sql = queue.shift()) {
        await run(c, sql);
        done();
      }
    }),
  );
  for (const sql of deferred.constraints) {
    await run(clients[0], sql);
    done();
  }
}
const RESTORE_SHARE = 0.25;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Planning a bulk INSERT … SELECT is no place for JIT; a crash loses a batch, not the database.
  await client.query(
    `set jit = off; set synchronous_commit = off; set maintenance_work_mem = '256MB'`,
  );
  return client;
}

export async function generateScale(opts: ScaleOptions): Promise<void> {
  const batch = opts.batch ?? 250;
  const prefix = opts.prefix ?? 'scale-';
  const jobs = Math.max(1, opts.jobs ?? Math.max(2, cpus().length));
  const clients = [await connect(opts.databaseUrl)];
  const [first] = clients;
  try {
    for (let j = 1; j < jobs; j++) clients.push(await connect(opts.databaseUrl));
    await first.query(
      `insert into companies (slug, name)
       select $2 || 'co-' || c, 'Scale Company ' || c from generate_series(0, $1::int / 10) c
       on conflict (slug) do nothing`,
      [opts.tenants, prefix],
    );
    const deferred = await deferChecks(first);
    // Building the deferred indexes and checks takes about a fifth of the load (measured).
    const restoreWeight = (w: number) => Math.round(w * RESTORE_SHARE);
    let done = 0;
    let total = 0;
    const step = (weight: number) => {
      done += weight;
      opts.progress?.(done, total);
    };
    try {
      const historyId = (opts.history ?? true) ? await createHistoryClinic(first, prefix) : null;
      const units = plan(opts, batch, historyId);
      const load = units.reduce((n, u) => n + u.weight, 0);
      const statements = deferred.indexes.length + deferred.constraints.length;
      total = load + (statements ? restoreWeight(load) : 0);
      let next = 0;
      const worker = async (client: pg.Client) => {
        try {
          for (let u = units[next++]; u; u = units[next++]) {
            if (u.kind === 'tenants') await loadTenants(client, prefix, u.from, u.to);
            else await loadHistory(client, historyId!, u.from, u.to);
            step(u.weight);
          }
        } catch (err) {
          next = units.length; // the other workers stop after their current batch
          await client.query('rollback').catch(() => undefined);
          throw err;
        }
      };
      const results = await Promise.allSettled(clients.map(worker));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await restoreChecks(clients, deferred, () =>
        step(Math.floor(restoreWeight(load) / statements)),
      );
      step(total - done);
    } catch (err) {
      await restoreChecks(clients, deferred);
      throw err;
    }
    await first.query('analyze');
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** A one-line progress bar on stderr with the rate so far and the time left at that rate. */
export function progressBar(label: string) {
  const started = Date.now();
  const clock = (s: number) =>
    s >= 3600
      ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
      : `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  return (done: number, total: number) => {
    const width = 30;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * width);
    const secs = (Date.now() - started) / 1000;
    const eta = share > 0 ? clock((secs / share) * (1 - share)) : '?';
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ` +
        `${done}/${total} ${clock(secs)} elapsed, ETA ${eta}  `,
    );
    if (done >= total) process.stderr.write('\n');
  };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const tenants = Number(argValue(args, 'tenants') ?? 10000);
  const jobs = argValue(args, 'jobs');
  const databaseUrl =
    argValue(args, 'database-url') ?? 'postgres://vetlane_maintenance@127.0.0.1:5432/vetlane';
  const started = Date.now();
  generateScale({
    databaseUrl,
    tenants,
    jobs: jobs === undefined ? undefined : Number(jobs),
    history: !args.includes('--no-history'),
    progress: progressBar('appointments'),
  }).then(
    () =>
      console.log(
        `Generated ${tenants} tenants in ${databaseUrl.replace(/:[^:@/]*@/, ':***@')} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
