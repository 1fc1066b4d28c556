import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { TenantDb } from '../src/database/tenant-db.js';
import { PasswordService } from '../src/staff/password.service.js';
import type { StaffKind } from '../src/staff/staff.queries.js';
import {
  ALERTS,
  COLOURS,
  DEMO_CLINICS,
  DEMO_COMPANIES,
  DEMO_PASSWORD,
  FEMALE_ES,
  type DemoClinic,
  NAMES,
  PET_NAMES,
  SPECIES_BREEDS,
} from './demo-data.js';
import { seedBilling } from './demo-billing.js';
import { seedSchedule } from './demo-schedule.js';
import { ONLINE_BOOKING_DEMO, seedOnlineBooking } from './demo-online.js';
import { insertRows, random, type Random, slugify } from './sql.js';

export interface DemoLogin {
  email: string;
  role: string;
  where: string;
}

/** The demo logins, all with password `vetlane-demo`: printed at start and in the README. */
export function demoLogins(): DemoLogin[] {
  const logins: DemoLogin[] = [
    { email: 'admin@vetlane.test', role: 'platform admin', where: '/admin' },
  ];
  for (const c of DEMO_COMPANIES)
    logins.push({
      email: `admin@${c.slug}.vetlane.test`,
      role: 'company admin',
      where: `/companies/${c.slug}`,
    });
  for (const clinic of DEMO_CLINICS) {
    const slug = slugify(clinic.name);
    for (const who of ['frontdesk', 'vet', 'manager'])
      logins.push({ email: `${who}@${slug}.vetlane.test`, role: who, where: `/c/${slug}` });
  }
  return logins;
}

const LOGIN_KIND: Record<string, { kind: StaffKind; role: 'front_desk' | 'vet' | 'manager' }> = {
  frontdesk: { kind: 'front_desk', role: 'front_desk' },
  vet: { kind: 'vet', role: 'vet' },
  manager: { kind: 'manager', role: 'manager' },
};

/** 'Dra.' for a woman vet in Spanish, 'Dr.' otherwise. */
function vetTitle(locale: 'en' | 'es', first: string): string {
  return locale === 'es' && (FEMALE_ES as readonly string[]).includes(first) ? 'Dra.' : 'Dr.';
}

function personName(rng: Random, locale: 'en' | 'es') {
  const names = NAMES[locale];
  const first = rng.pick(names.first);
  const last =
    locale === 'es' ? `${rng.pick(names.last)} ${rng.pick(names.last)}` : rng.pick(names.last);
  return { first, last };
}

function phone(rng: Random, timeZone: string) {
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  if (timeZone === 'Europe/Madrid') return `+34 6${digits(2)} ${digits(3)} ${digits(3)}`;
  if (timeZone.startsWith('America/M')) return `+52 81 ${digits(4)} ${digits(4)}`;
  return `+1 ${rng.int(201, 989)}-${rng.int(200, 989)}-${digits(4)}`;
}

function emailFor(first: string, last: string, n: number) {
  return `${slugify(first)}.${slugify(last.split(' ')[0])}${n}@example.com`;
}

async function seedClinic(opts: {
  tx: { tenantId: string; manager: EntityManager };
  clinic: DemoClinic;
  rng: Random;
  loginUsers: Map<string, { id: string; first: string; last: string }>;
}) {
  const { tx, clinic, rng } = opts;
  const { manager, tenantId } = tx;
  const slug = slugify(clinic.name);

  const staff: Record<string, unknown>[] = [];
  for (const [kind, count] of Object.entries(clinic.staff) as [StaffKind, number][]) {
    for (let i = 0; i < count; i++) {
      const login = Object.entries(LOGIN_KIND).find(([, v]) => v.kind === kind && i === 0)?.[0];
      const loginUser = login ? opts.loginUsers.get(`${login}@${slug}.vetlane.test`) : undefined;
      const { first, last } = loginUser ?? personName(rng, clinic.locale);
      const title = kind === 'vet' ? `${vetTitle(clinic.locale, first)} ` : '';
      staff.push({
        tenant_id: tenantId,
        user_id: loginUser?.id ?? null,
        name: `${title}${first} ${last}`,
        kind,
        email: login
          ? `${login}@${slug}.vetlane.test`
          : `${slugify(first)}.${slugify(last.split(' ')[0])}@${slug}.example.com`,
        phone: phone(rng, clinic.timeZone),
        takes_appointments: kind === 'vet' || kind === 'groomer' || kind === 'nurse',
      });
    }
  }
  await insertRows(manager, 'staff', staff);

  const clientIds: string[] = [];
  const clients: Record<string, unknown>[] = [];
  for (let i = 0; i < clinic.clients; i++) {
    const id = randomUUID();
    clientIds.push(id);
    const { first, last } = personName(rng, clinic.locale);
    clients.push({
      tenant_id: tenantId,
      id,
      first_name: first,
      last_name: last,
      email: emailFor(first, last, i),
      phone: phone(rng, clinic.timeZone),
      address: `${rng.pick(NAMES[clinic.locale].streets)} ${rng.int(1, 240)}`,
      notes: rng.chance(0.15)
        ? clinic.locale === 'es'
          ? 'Prefiere citas por la mañana.'
          : 'Prefers morning appointments.'
        : null,
    });
  }
  await insertRows(manager, 'clients', clients);

  // Every client has at least one pet; the rest are spread at random.
  const owners = [
    ...clientIds,
    ...Array.from({ length: clinic.pets - clinic.clients }, () => rng.pick(clientIds)),
  ];
  const totalWeight = SPECIES_BREEDS.reduce((s, b) => s + b.weight, 0);
  const pets = owners.map((clientId, i) => {
    let roll = rng.next() * totalWeight;
    const kind = SPECIES_BREEDS.find((b) => (roll -= b.weight) < 0) ?? SPECIES_BREEDS[0];
    const born = new Date(Date.UTC(2026 - rng.int(0, 14), rng.int(0, 11), rng.int(1, 28)));
    return {
      tenant_id: tenantId,
      client_id: clientId,
      name: rng.pick(PET_NAMES),
      species: kind.species,
      breed: rng.pick(kind.breeds),
      sex: rng.pick(['male', 'female'] as const),
      neutered: rng.chance(0.6),
      date_of_birth: born.toISOString().slice(0, 10),
      microchip:
        kind.species === 'dog' || kind.species === 'cat'
          ? `9810${String(tenantId.replace(/\D/g, '')).slice(0, 5).padEnd(5, '0')}${String(i).padStart(6, '0')}`
          : null,
      colour: rng.pick(COLOURS),
      weight_kg: (kind.kg[0] + rng.next() * (kind.kg[1] - kind.kg[0])).toFixed(2),
      alerts: rng.chance(0.1) ? rng.pick(ALERTS) : null,
    };
  });
  await insertRows(manager, 'pets', pets);
  await seedSchedule({ manager, tenantId, clinic, rng });
  await seedBilling({ manager, tenantId, clinic, rng });
}

/**
 * Seeds seed 002's five clinics in three companies, with their demo logins, once: a
 * database that already has them is left alone. Tenant rows go through the one door.
 */
export async function seedDemo(opts: { dataSource: DataSource; log: Logger }): Promise<boolean> {
  const { dataSource, log } = opts;
  const passwords = new PasswordService();
  const tenantDb = new TenantDb(dataSource);
  return dataSource.transaction(async (manager) => {
    // Two processes starting at once on an empty database: one seeds, the other waits and skips.
    await manager.query(`select pg_advisory_xact_lock(hashtextextended('vetlane:demo-seed', 0))`);
    const seeded = await manager.query('select 1 from tenants where slug = $1', [
      slugify(DEMO_CLINICS[0].name),
    ]);
    if (seeded.length) return false;
    log.info('Seeding the demo clinics …');
    const rng = random(2025_08_10);

    const companyIds = new Map<string, string>();
    for (const c of DEMO_COMPANIES) {
      const [row] = await manager.query(
        'insert into companies (slug, name) values ($1, $2) returning id',
        [c.slug, c.name],
      );
      companyIds.set(c.slug, row.id);
    }
    const hash = () => passwords.hash(DEMO_PASSWORD);
    const addUser = async (
      email: string,
      name: string,
      admin = false,
      locale: 'en' | 'es' | null = null,
    ) => {
      const [row] = await manager.query(
        'insert into users (email, name, password_hash, is_platform_admin, locale) values ($1, $2, $3, $4, $5) returning id',
        [email, name, await hash(), admin, locale],
      );
      return row.id as string;
    };
    await addUser('admin@vetlane.test', 'Vetlane Admin', true);
    for (const c of DEMO_COMPANIES) {
      const userId = await addUser(`admin@${c.slug}.vetlane.test`, `${c.name} Admin`);
      await manager.query('insert into company_admins (company_id, user_id) values ($1, $2)', [
        companyIds.get(c.slug),
        userId,
      ]);
    }

    for (const clinic of DEMO_CLINICS) {
      const slug = slugify(clinic.name);
      const [tenant] = await manager.query(
        'insert into tenants (slug, name, company_id, time_zone, locale, currency) values ($1, $2, $3, $4, $5, $6) returning id',
        [
          slug,
          clinic.name,
          companyIds.get(clinic.company),
          clinic.timeZone,
          clinic.locale,
          clinic.currency,
        ],
      );
      const loginUsers = new Map<string, { id: string; first: string; last: string }>();
      for (const [login, { role }] of Object.entries(LOGIN_KIND)) {
        const email = `${login}@${slug}.vetlane.test`;
        const { first, last } = personName(rng, clinic.locale);
        const userId = await addUser(email, `${first} ${last}`);
        loginUsers.set(email, { id: userId, first, last });
        await manager.query(
          'insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)',
          [tenant.id, userId, role],
        );
      }
      await tenantDb.runFor(
        tenant.id,
        async (tx) => {
          await seedClinic({ tx, clinic, rng, loginUsers });
          if (ONLINE_BOOKING_DEMO.has(slug)) await seedOnlineBooking(tx);
        },
        manager,
      );
      log.info(
        `  ${clinic.name}: ${clinic.clients} clients, ${clinic.pets} pets, ${Object.values(clinic.staff).reduce((a, b) => a + b, 0)} staff`,
      );
    }
    return true;
  });
}
