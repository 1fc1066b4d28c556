import pg from 'pg';
import { fileURLToPath } from 'node:url';

/**
 * The scale generator: N tenants with staff, opening hours, clients, pets and
 * appointments over the last 45 and next 15 days, in volume tiers (10 % high, 30 %
 * medium, 60 % low by monthly appointments). Rows are generated inside PostgreSQL
 * (INSERT … SELECT over generate_series, one batch of tenants per transaction), as
 * `vetlane_maintenance` (BYPASSRLS: RLS would refuse bulk loads by the runtime role).
 * The platform admin's numbers are counted when read, so nothing else needs updating.
 *
 *   npm run seed:scale -- --tenants 10000 [--database-url postgres://vetlane_maintenance@127.0.0.1/vetlane]
 */
export interface ScaleOptions {
  databaseUrl: string;
  tenants: number;
  batch?: number;
  /** Slug prefix, so several runs can coexist; tenants already there are kept. */
  prefix?: string;
  progress?: (done: number, total: number) => void;
}

const BATCH_SQL = `
  with made as (
    insert into tenants (slug, name, company_id, time_zone, plan)
    select $3 || lpad(i::text, 6, '0'), 'Scale Clinic ' || i,
           case when i % 2 = 0 then (select id from companies where slug = $3 || 'co-' || (i / 10)) end,
           (array['Europe/Madrid', 'America/Mexico_City', 'America/New_York', 'UTC'])[1 + i % 4],
           (array['basic', 'standard', 'standard', 'enterprise'])[1 + i % 4]
      from generate_series($1::int, $2::int) i
    on conflict (slug) do nothing
    returning id, slug
  )
  select id, slug, (regexp_replace(slug, '^.*-', ''))::int as i from made`;

async function loadBatch(client: pg.Client, prefix: string, from: number, to: number) {
  await client.query('begin');
  await client.query(
    `insert into companies (slug, name)
     select $3 || 'co-' || c, 'Scale Company ' || c
       from generate_series($1::int / 10, $2::int / 10) c
     on conflict (slug) do nothing`,
    [from, to, prefix],
  );
  const { rows } = await client.query(BATCH_SQL, [from, to, prefix]);
  if (!rows.length) return client.query('commit');
  // Volume tier from the tenant number: 10 % high, 30 % medium, 60 % low (appointments per 30 days).
  await client.query(
    `create temp table scale_batch on commit drop as
     select id, i, 10 + (i * 7919) % 70 as clients,
            case when i % 10 = 0 then 200 + (i * 31) % 200
                 when i % 10 < 4 then 50 + (i * 17) % 150
                 else (i * 13) % 50 end * 2 as appointments
       from jsonb_to_recordset($1::jsonb) as x(id uuid, i int)`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, i: r.i })))],
  );
  await client.query(`
    insert into staff (tenant_id, name, kind, takes_appointments)
    select b.id, 'Staff ' || s, (array['vet', 'vet', 'nurse', 'front_desk', 'manager'])[s], s <= 2
      from scale_batch b cross join generate_series(1, 5) s;
    insert into appointment_types (tenant_id, name, duration_minutes, is_default) select id, 'Consultation', 30, true from scale_batch;
    insert into opening_hours (tenant_id, weekday, opens, closes)
    select b.id, d, '08:00', '18:00' from scale_batch b cross join generate_series(1, 6) d;
    insert into clients (tenant_id, first_name, last_name, email)
    select b.id, 'Client', 'Number ' || g, 'client' || g || '@example.com'
      from scale_batch b cross join generate_series(1, b.clients) g;
    insert into pets (tenant_id, client_id, name, species)
    select c.tenant_id, c.id, 'Pet', (array['dog', 'cat', 'rabbit'])[1 + abs(hashtext(c.id::text)) % 3]
      from clients c join scale_batch b on b.id = c.tenant_id;
  `);
  // One vet, 20 half-hour slots a day: the k-th appointment gets a day and a slot of its
  // own, so the no-double-booking constraint never fires.
  await client.query(`
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
      join p on p.tenant_id = s.tenant_id and p.rn = (s.k % p.cnt) + 1`);
  await client.query('commit');
}

export async function generateScale(opts: ScaleOptions): Promise<void> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const batch = opts.batch ?? 200;
  const prefix = opts.prefix ?? 'scale-';
  try {
    for (let from = 1; from <= opts.tenants; from += batch) {
      const to = Math.min(opts.tenants, from + batch - 1);
      await loadBatch(client, prefix, from, to);
      opts.progress?.(to, opts.tenants);
    }
    await client.query('analyze');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** A one-line progress bar on stderr. */
export function progressBar(label: string) {
  const started = Date.now();
  return (done: number, total: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${done}/${total} ${secs}s`,
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
  const databaseUrl =
    argValue(args, 'database-url') ?? 'postgres://vetlane_maintenance@127.0.0.1:5432/vetlane';
  generateScale({ databaseUrl, tenants, progress: progressBar('tenants') }).then(
    () =>
      console.log(`Generated ${tenants} tenants in ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
