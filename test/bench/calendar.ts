/**
 * Calendar and booking benchmark through the real app (HTTP, sessions, RLS, pgBouncer when
 * DATABASE_URL is given): a large clinic — 14 vets, a month of history, a full day of 560
 * appointments — then day-view latency, booking throughput, and a 100-way race.
 *
 *   npm run bench:calendar          # own throwaway database on 127.0.0.1:5432, embedded S3, memory cache
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { startInfrastructure } from '../../src/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { PasswordService } from '../../src/staff/password.service.js';
import { WebClient } from '../harness/http.js';
import { percentiles } from './bench-app.js';
import { throwawayDatabase } from './throwaway-db.js';

const VETS = 14;
const HISTORY_DAYS = 30;
const PER_VET_PER_DAY = Number(process.env.BENCH_PER_VET_PER_DAY ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const DAY = '2031-01-15';

function progress(label: string, done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stdout.write(
    `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
  );
  if (done === total) process.stdout.write('\n');
}

async function seedClinic(db: { direct: string; adminUrl: string; database: string }) {
  const admin = new URL(db.adminUrl);
  admin.pathname = `/${db.database}`;
  const su = new pg.Client({ connectionString: admin.toString() });
  await su.connect();
  const one = async (sql: string, params: unknown[]) => (await su.query(sql, params)).rows[0];
  const tenant = await one(
    `insert into tenants (slug, name, time_zone) values ('bench-clinic', 'Bench Clinic', 'Europe/Madrid') returning id`,
    [],
  );
  const hash = await new PasswordService().hash('vetlane-demo');
  const user = await one(
    `insert into users (email, name, password_hash) values ('desk@bench.test', 'Desk', $1) returning id`,
    [hash],
  );
  await su.query(
    `insert into memberships (tenant_id, user_id, role) values ($1, $2, 'front_desk')`,
    [tenant.id, user.id],
  );
  await su.query(
    `insert into opening_hours (tenant_id, weekday, opens, closes) select $1, d, '00:00', '24:00' from generate_series(1, 7) d`,
    [tenant.id],
  );
  const type = await one(
    `insert into appointment_types (tenant_id, name, duration_minutes) values ($1, 'Consultation', 15) returning id`,
    [tenant.id],
  );
  const vets = (
    await su.query(
      `insert into staff (tenant_id, name, kind, takes_appointments) select $1, 'Vet ' || i, 'vet', true from generate_series(1, $2) i returning id`,
      [tenant.id, VETS],
    )
  ).rows;
  const client = await one(
    `insert into clients (tenant_id, first_name, last_name) values ($1, 'Ana', 'García') returning id`,
    [tenant.id],
  );
  const pets = (
    await su.query(
      `insert into pets (tenant_id, client_id, name, species) select $1, $2, 'Pet ' || i, 'dog' from generate_series(1, 50) i returning id`,
      [tenant.id, client.id],
    )
  ).rows;
  // History: every vet, every day of the month before, PER_VET_PER_DAY quarter-hours from 08:00 local.
  for (let d = -HISTORY_DAYS; d <= 0; d++) {
    await su.query(
      `insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
       select $1, $2, ($3::uuid[])[1 + (s.n % 50)], v, $4,
              (($5::date + $6::int) + time '08:00') at time zone 'Europe/Madrid' + s.n * interval '15 minutes',
              (($5::date + $6::int) + time '08:00') at time zone 'Europe/Madrid' + (s.n + 1) * interval '15 minutes',
              case when $6::int < 0 then 'completed' else 'booked' end
         from unnest($7::uuid[]) v, generate_series(0, $8 - 1) s(n)`,
      [
        tenant.id,
        client.id,
        pets.map((p) => p.id),
        type.id,
        DAY,
        d,
        vets.map((v) => v.id),
        PER_VET_PER_DAY,
      ],
    );
    progress('seeding a month of appointments', d + HISTORY_DAYS + 1, HISTORY_DAYS + 1);
  }
  const {
    rows: [count],
  } = await su.query('select count(*)::int as n from appointments where tenant_id = $1', [
    tenant.id,
  ]);
  await su.end();
  return {
    tenantId: tenant.id,
    vets: vets.map((v) => v.id as string),
    pets: pets.map((p) => p.id as string),
    type: type.id as string,
    appointments: count.n as number,
  };
}

async function main() {
  const db = await throwawayDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'vetlane-bench-'));
  try {
    const clinic = await seedClinic(db);
    console.log(
      `clinic: ${VETS} vets, ${clinic.appointments} appointments (${VETS * PER_VET_PER_DAY} on ${DAY})`,
    );
    const config = loadConfig({
      DATABASE_URL: process.env.DATABASE_URL ?? db.app,
      DATABASE_DIRECT_URL: process.env.DATABASE_DIRECT_URL ?? db.direct,
      DATA_DIR: dataDir,
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0000',
      DATABASE_POOL_SIZE: '20',
    });
    const infra = await startInfrastructure(config, createLogger('warn'));
    const app = await createApp(infra);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const web = new WebClient(url);
    await web.signIn('desk@bench.test');

    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const res = await web.get(`/c/bench-clinic/calendar?date=${DAY}`);
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`day view answered ${res.status}`);
      if (i % 20 === 19 || i === RUNS - 1) progress('day view', i + 1, RUNS);
    }
    console.log(
      `day view (${VETS * PER_VET_PER_DAY} appointments, ${VETS} columns): ${percentiles(times)}`,
    );

    await web.get('/c/bench-clinic/appointments/new');
    const slots = Array.from({ length: 280 }, (_, i) => ({
      vet: clinic.vets[i % VETS],
      minutes: 20 * 60 + 15 * Math.floor(i / VETS),
    }));
    const t0 = performance.now();
    const results = await Promise.all(
      slots.map((s, i) =>
        web.post('/c/bench-clinic/appointments', {
          petId: clinic.pets[i % 50],
          staffId: s.vet,
          typeId: clinic.type,
          date: DAY,
          time: `${String(Math.floor(s.minutes / 60) % 24).padStart(2, '0')}:${String(s.minutes % 60).padStart(2, '0')}`,
        }),
      ),
    );
    const elapsed = performance.now() - t0;
    const ok = results.filter((r) => r.status === 303).length;
    console.log(
      `booking throughput: ${ok}/${slots.length} booked in ${elapsed.toFixed(0)} ms (${((ok / elapsed) * 1000).toFixed(0)} bookings/s, 280 concurrent requests)`,
    );

    const r0 = performance.now();
    const race = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        web.post('/c/bench-clinic/appointments', {
          petId: clinic.pets[i % 50],
          staffId: clinic.vets[0],
          typeId: clinic.type,
          date: '2031-02-01',
          time: '10:00',
        }),
      ),
    );
    const counts = race.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    console.log(
      `race for one slot: ${JSON.stringify(counts)} in ${(performance.now() - r0).toFixed(0)} ms`,
    );
    await app.close();
    await infra.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
