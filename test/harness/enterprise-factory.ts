import { randomBytes, randomUUID } from 'node:crypto';
import type { TenantDb } from '../../src/database/tenant-db.js';
import { adminQuery, superuserUrl } from './services.js';

/**
 * Factories for the enterprise tests: their own clinics, people and appointments, so no
 * test mutates the demo rows others read. Directory rows are written as the superuser
 * (as an operator would); tenant rows go in with plain SQL as the scheduling pages will.
 */
const sql = (text: string, params: unknown[] = []) => adminQuery(superuserUrl(), text, params);

export const uniq = () => randomBytes(4).toString('hex');

/**
 * A Redis key space of its own inside the run's (sessions, sign-in and request limits),
 * so a file that signs in many times does not use up the per-IP sign-in budget other
 * files share.
 */
export function ownRedisPrefix(name: string): Record<string, string> {
  return { REDIS_PREFIX: `${process.env.REDIS_PREFIX}${name}-${uniq()}:` };
}

export interface TestClinic {
  id: string;
  slug: string;
  name: string;
  vetId: string;
  typeId: string;
  clientId: string;
  petId: string;
}

/** A clinic with a vet who takes appointments, one appointment type, opening hours 09–17 Mon–Fri, one client with a pet. */
export async function createClinic(
  opts: { companyId?: string | null; plan?: string; timeZone?: string; name?: string } = {},
): Promise<TestClinic> {
  const slug = `test-clinic-${uniq()}`;
  const name = opts.name ?? `Test Clinic ${slug.slice(-8)}`;
  const {
    rows: [t],
  } = await sql(
    `insert into tenants (slug, name, company_id, time_zone, plan) values ($1, $2, $3, $4, $5) returning id`,
    [slug, name, opts.companyId ?? null, opts.timeZone ?? 'Europe/Madrid', opts.plan ?? 'standard'],
  );
  const id = t.id as string;
  const vetId = randomUUID();
  const typeId = randomUUID();
  const clientId = randomUUID();
  const petId = randomUUID();
  await sql(
    `insert into staff (tenant_id, id, name, kind, takes_appointments) values ($1, $2, 'Dr. Test Vet', 'vet', true)`,
    [id, vetId],
  );
  await sql(
    `insert into appointment_types (tenant_id, id, name, duration_minutes) values ($1, $2, 'Check-up', 30)`,
    [id, typeId],
  );
  for (let weekday = 1; weekday <= 5; weekday++)
    await sql(
      `insert into opening_hours (tenant_id, weekday, opens, closes) values ($1, $2, '09:00', '17:00')`,
      [id, weekday],
    );
  await sql(
    `insert into clients (tenant_id, id, first_name, last_name, email) values ($1, $2, 'Ana', 'Secretclient', 'ana@example.com')`,
    [id, clientId],
  );
  await sql(
    `insert into pets (tenant_id, id, client_id, name, species) values ($1, $2, $3, 'Luna', 'dog')`,
    [id, petId, clientId],
  );
  return { id, slug, name, vetId, typeId, clientId, petId };
}

export async function createCompany(): Promise<{ id: string; slug: string }> {
  const slug = `test-company-${uniq()}`;
  const {
    rows: [c],
  } = await sql(`insert into companies (slug, name) values ($1, $2) returning id`, [
    slug,
    `Company ${slug}`,
  ]);
  return { id: c.id, slug };
}

/** A user with the demo password, optionally with memberships and company administration. */
export async function createUser(
  opts: {
    memberships?: { tenantId: string; role: string }[];
    adminOf?: string[];
  } = {},
): Promise<{ id: string; email: string }> {
  const email = `person-${uniq()}@test.vetlane.test`;
  const {
    rows: [u],
  } = await sql(
    `insert into users (email, name, password_hash)
     select $1, 'Test Person', password_hash from users where email = 'admin@vetlane.test' returning id`,
    [email],
  );
  for (const m of opts.memberships ?? [])
    await sql(`insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)`, [
      m.tenantId,
      u.id,
      m.role,
    ]);
  for (const companyId of opts.adminOf ?? [])
    await sql(`insert into company_admins (company_id, user_id) values ($1, $2)`, [
      companyId,
      u.id,
    ]);
  return { id: u.id, email };
}

/**
 * One appointment of the clinic's vet, inserted through the tenant door as the runtime
 * role; `startsAt` must not overlap another active one of the same vet.
 */
export async function book(
  db: TenantDb,
  clinic: TestClinic,
  opts: { startsAt: Date; minutes?: number; status?: string },
): Promise<string> {
  const ends = new Date(opts.startsAt.getTime() + (opts.minutes ?? 30) * 60_000);
  return db.runFor(clinic.id, async ({ manager, tenantId }) => {
    const [a] = await manager.query(
      `insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        tenantId,
        clinic.clientId,
        clinic.petId,
        clinic.vetId,
        clinic.typeId,
        opts.startsAt,
        ends,
        opts.status ?? 'booked',
      ],
    );
    return a.id as string;
  });
}

/** A client with a pet, through the tenant door. */
export async function addClient(
  db: TenantDb,
  clinic: TestClinic,
  lastName = 'Newclient',
): Promise<string> {
  return db.runFor(clinic.id, async ({ manager, tenantId }) => {
    const [c] = await manager.query(
      `insert into clients (tenant_id, first_name, last_name) values ($1, 'Nuevo', $2) returning id`,
      [tenantId, lastName],
    );
    await manager.query(
      `insert into pets (tenant_id, client_id, name, species) values ($1, $2, 'Kira', 'cat')`,
      [tenantId, c.id],
    );
    return c.id as string;
  });
}

export const testSql = sql;
