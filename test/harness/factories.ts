import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { superuserUrl } from './services.js';

/**
 * The one way tests make their data: a clinic of their own (with logins, vets, rooms, a
 * type, hours and pets), a company of clinics, a person who works at several clinics,
 * clients, appointments and medical records. So no test changes rows another test reads,
 * every test writes only into clinics it made. Rows are written as the superuser, as an
 * operator onboarding a clinic would; what the app does with them is what tests exercise.
 * Every login has the demo password `vetlane-demo` (its hash is borrowed from the demo seed).
 */

export interface TestUser {
  id: string;
  email: string;
  name: string;
  /** The person's staff row in each clinic they work at, by clinic (tenant) id. */
  staffAt: Record<string, string>;
}

export interface TestStaff {
  id: string;
  name: string;
}

export interface TestPet {
  id: string;
  name: string;
  clientId: string;
  /** The owner's full name. */
  owner: string;
}

export interface TestClinic {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  frontdesk: TestUser;
  manager: TestUser;
  vet: TestUser;
  /** Vets who take appointments; `vets[0]` is the `vet` login's staff row. */
  vets: TestStaff[];
  /** Room ids ('Exam 1', 'Exam 2'). */
  rooms: string[];
  /** The 20-minute 'Consultation' appointment type, the clinic's default. */
  consult: string;
  /** One client per pet. */
  pets: TestPet[];
}

export interface TestCompany {
  id: string;
  slug: string;
  clinics: TestClinic[];
}

export type Role = 'manager' | 'vet' | 'nurse' | 'front_desk';
export type Hours = { weekday: number; opens: string; closes: string }[];

export interface ClinicOptions {
  /** Defaults to Europe/Madrid. */
  timeZone?: string;
  locale?: 'en' | 'es';
  name?: string;
  plan?: 'basic' | 'standard' | 'enterprise';
  companyId?: string;
  /** Defaults to every day 08:00–20:00. */
  hours?: Hours;
  /** Vets who take appointments, the vet login's included (default 2). */
  vets?: number;
  /** Clients with one pet each (default 3). */
  pets?: number;
  /** ISO 4217; defaults to USD. */
  currency?: string;
}

export const EVERY_DAY = (opens: string, closes: string): Hours =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens, closes }));

export const uniq = () => randomBytes(4).toString('hex');

export async function createClinic(opts: ClinicOptions = {}): Promise<TestClinic> {
  const suffix = uniq();
  const slug = `test-clinic-${suffix}`;
  const name = opts.name ?? `Test Clinic ${suffix}`;
  const timeZone = opts.timeZone ?? 'Europe/Madrid';
  return asSuperuser(async (one) => {
    const { id } = await one(
      `insert into tenants (slug, name, time_zone, locale, plan, company_id, currency)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        slug,
        name,
        timeZone,
        opts.locale ?? 'en',
        opts.plan ?? 'standard',
        opts.companyId ?? null,
        opts.currency ?? 'USD',
      ],
    );
    const login = async (who: string, role: Role) => {
      const user = await insertUser(one, `${who}@${slug}.vetlane.test`, `${who} ${suffix}`);
      await addMembership(one, user, id, role);
      return user;
    };
    const frontdesk = await login('frontdesk', 'front_desk');
    const manager = await login('manager', 'manager');
    const vet = await login('vet', 'vet');
    const vets = [{ id: vet.staffAt[id], name: vet.name }];
    for (let i = 1; i < (opts.vets ?? 2); i++)
      vets.push(
        await one(
          `insert into staff (tenant_id, name, kind, takes_appointments) values ($1, $2, 'vet', true) returning id, name`,
          [id, `Vet ${i} ${suffix}`],
        ),
      );
    const rooms: string[] = [];
    for (const room of ['Exam 1', 'Exam 2'])
      rooms.push(
        (await one(`insert into rooms (tenant_id, name) values ($1, $2) returning id`, [id, room]))
          .id,
      );
    const { id: consult } = await one(
      `insert into appointment_types (tenant_id, name, duration_minutes, is_default) values ($1, 'Consultation', 20, true) returning id`,
      [id],
    );
    for (const h of opts.hours ?? EVERY_DAY('08:00', '20:00'))
      await one(
        `insert into opening_hours (tenant_id, weekday, opens, closes) values ($1, $2, $3, $4)`,
        [id, h.weekday, h.opens, h.closes],
      );
    const pets: TestPet[] = [];
    for (let i = 0; i < (opts.pets ?? 3); i++) {
      const client = await insertClient(one, id, {
        firstName: `Owner${i}`,
        lastName: `Family${suffix}`,
        phone: `+1 555 0100 ${i}`,
        pets: [{ name: `Pet${i}-${suffix}` }],
      });
      pets.push(...client.pets);
    }
    return { id, slug, name, timeZone, frontdesk, manager, vet, vets, rooms, consult, pets };
  });
}

/** A company and its clinics (each made as `createClinic` would, with the company set). */
export async function createCompany(
  opts: { clinics?: ClinicOptions[] } = {},
): Promise<TestCompany> {
  const slug = `test-company-${uniq()}`;
  const { id } = await asSuperuser((one) =>
    one(`insert into companies (slug, name) values ($1, $2) returning id`, [
      slug,
      `Company ${slug}`,
    ]),
  );
  const clinics: TestClinic[] = [];
  for (const clinic of opts.clinics ?? [])
    clinics.push(await createClinic({ ...clinic, companyId: id }));
  return { id, slug, clinics };
}

/**
 * A person with the demo password: a role (membership and staff row) in each clinic given,
 * and company administration. The same person in two clinics is one user with two staff
 * rows, as the company staff page makes them.
 */
export async function createUser(
  opts: { name?: string; worksAt?: { clinic: TestClinic; role: Role }[]; adminOf?: string[] } = {},
): Promise<TestUser> {
  const suffix = uniq();
  return asSuperuser(async (one) => {
    const user = await insertUser(
      one,
      `person-${suffix}@test.vetlane.test`,
      opts.name ?? `Test Person ${suffix}`,
    );
    for (const { clinic, role } of opts.worksAt ?? [])
      await addMembership(one, user, clinic.id, role);
    for (const companyId of opts.adminOf ?? [])
      await one(`insert into company_admins (company_id, user_id) values ($1, $2)`, [
        companyId,
        user.id,
      ]);
    return user;
  });
}

export interface ClientOptions {
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  pets?: { name: string; microchip?: string }[];
}

/** A new client of the clinic, with the contact details search looks at, and their pets. */
export async function createClient(
  clinic: TestClinic,
  opts: ClientOptions = {},
): Promise<{ id: string; pets: TestPet[] }> {
  return asSuperuser((one) => insertClient(one, clinic.id, opts));
}

/** A new client with one pet; the pet. */
export async function createPet(
  clinic: TestClinic,
  opts: { name?: string; lastName?: string } = {},
): Promise<TestPet> {
  const client = await createClient(clinic, {
    lastName: opts.lastName,
    pets: [{ name: opts.name ?? `Pet-${uniq()}` }],
  });
  return client.pets[0];
}

/**
 * An appointment of the clinic (by default its first pet with its first vet, 20 minutes);
 * it must not overlap another active one of the same vet.
 */
export async function book(
  clinic: TestClinic,
  opts: { startsAt: Date; minutes?: number; status?: string; pet?: TestPet; staffId?: string },
): Promise<string> {
  const pet = opts.pet ?? clinic.pets[0];
  const endsAt = new Date(opts.startsAt.getTime() + (opts.minutes ?? 20) * 60_000);
  const status = opts.status ?? 'booked';
  const staffId = opts.staffId ?? clinic.vets[0].id;
  const { id } = await asSuperuser(async (one) => {
    const row = await one(
      `insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [clinic.id, pet.clientId, pet.id, staffId, clinic.consult, opts.startsAt, endsAt, status],
    );
    // The vet's hold across clinics, as the booking code writes it.
    if (!['cancelled', 'no_show'].includes(status))
      await one(
        `insert into staff_bookings (tenant_id, appointment_id, user_id, during)
         select $1, $2, user_id, tstzrange($4, $5) from staff where tenant_id = $1 and id = $3 and user_id is not null`,
        [clinic.id, row.id, staffId, opts.startsAt, endsAt],
      );
    return row;
  });
  return id;
}

/**
 * Years of past appointments in one set-based INSERT … SELECT over generate_series (a
 * row-by-row loop would take minutes): for each of the clinic's vets, `perDay` completed
 * half-hour-spaced appointments (20 minutes, from 08:00 UTC) on each of the last `days`
 * days, cycling through its pets. Analyzes the tables after, as autovacuum would. The count.
 */
export async function addHistory(
  clinic: TestClinic,
  opts: { days: number; perDay: number },
): Promise<number> {
  return asSuperuser(async (one) => {
    const { n } = await one(
      `with made as (
         insert into appointments (tenant_id, client_id, pet_id, staff_id, type_id, starts_at, ends_at, status)
         select $1, p.client_id, p.pet_id, v.staff_id, $2, t.at, t.at + interval '20 minutes', 'completed'
           from unnest($3::uuid[]) as v(staff_id)
          cross join generate_series(1, $5::int) d
          cross join generate_series(0, $6::int - 1) k
          cross join lateral (select date_trunc('day', now()) - make_interval(days => d)
                                     + interval '8 hours' + k * interval '30 minutes' as at) t
           join unnest($4::uuid[], $7::uuid[]) with ordinality as p(pet_id, client_id, i)
             on p.i = 1 + (d * $6::int + k) % cardinality($4::uuid[])
         returning 1)
       select count(*)::int as n from made`,
      [
        clinic.id,
        clinic.consult,
        clinic.vets.map((v) => v.id),
        clinic.pets.map((p) => p.id),
        opts.days,
        opts.perDay,
        clinic.pets.map((p) => p.clientId),
      ],
    );
    await one('analyze appointments, clients, pets, staff', []);
    return n;
  });
}

/**
 * The messages such a history leaves: each appointment's confirmation, sent. Answers how
 * many there are.
 */
export async function addMessageHistory(clinic: TestClinic): Promise<number> {
  return asSuperuser(async (one) => {
    const { n } = await one(
      `with made as (
         insert into owner_messages (tenant_id, kind, purpose_key, client_id, appointment_id, status,
                                     data, send_at, settled_at)
         select a.tenant_id, 'booking_confirmation', 'confirmation:' || a.id, a.client_id, a.id, 'sent',
                '{}', a.starts_at - interval '7 days', a.starts_at - interval '7 days'
           from appointments a where a.tenant_id = $1
         returning 1)
       select count(*)::int as n from made`,
      [clinic.id],
    );
    await one('analyze owner_messages', []);
    return n;
  });
}

/** A draft medical record of a pet, written by the clinic's vet login. */
export async function createRecord(
  clinic: TestClinic,
  opts: { pet: TestPet; summary: string; appointmentId?: string },
): Promise<string> {
  const { id } = await asSuperuser((one) =>
    one(
      `insert into medical_records (tenant_id, pet_id, appointment_id, author_user_id, author_name, summary)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        clinic.id,
        opts.pet.id,
        opts.appointmentId ?? null,
        clinic.vet.id,
        clinic.vet.name,
        opts.summary,
      ],
    ),
  );
  return id;
}

/** A service or product of the clinic's price list (price in minor units, tax in basis points). */
export async function createPriceItem(
  clinic: TestClinic,
  opts: {
    code: string;
    priceMinor: number;
    taxBp?: number;
    kind?: 'service' | 'product';
    name?: string;
  },
): Promise<string> {
  const { id } = await asSuperuser((one) =>
    one(
      `insert into price_items (tenant_id, kind, code, name, unit_price_minor, tax_rate_bp)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        clinic.id,
        opts.kind ?? 'service',
        opts.code,
        opts.name ?? opts.code,
        opts.priceMinor,
        opts.taxBp ?? 0,
      ],
    ),
  );
  return id;
}

/** An open charge of a pet's owner: `quantity` × the item's price, no discount. */
export async function createCharge(
  clinic: TestClinic,
  opts: { pet: TestPet; itemId: string; quantity?: number; appointmentId?: string },
): Promise<string> {
  const { id } = await asSuperuser((one) =>
    one(
      `insert into charges (tenant_id, client_id, pet_id, appointment_id, item_id, description, quantity,
                            unit_price_minor, tax_rate_bp, net_minor)
       select $1, $2, $3, $4, id, name, $6::numeric, unit_price_minor, tax_rate_bp, round(unit_price_minor * $6::numeric)
         from price_items where tenant_id = $1 and id = $5 returning id`,
      [
        clinic.id,
        opts.pet.clientId,
        opts.pet.id,
        opts.appointmentId ?? null,
        opts.itemId,
        opts.quantity ?? 1,
      ],
    ),
  );
  return id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of many shapes
type One = (sql: string, params: unknown[]) => Promise<any>;

/** One superuser connection and transaction per builder call: all of it or nothing. */
async function asSuperuser<T>(work: (one: One) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: superuserUrl() });
  await db.connect();
  try {
    await db.query('begin');
    const result = await work(async (sql, params) => (await db.query(sql, params)).rows[0]);
    await db.query('commit');
    return result;
  } catch (err) {
    await db.query('rollback');
    throw err;
  } finally {
    await db.end();
  }
}

async function insertUser(one: One, email: string, name: string): Promise<TestUser> {
  const { id } = await one(
    `insert into users (email, name, password_hash)
     select $1, $2, password_hash from users where email = 'admin@vetlane.test' returning id`,
    [email, name],
  );
  return { id, email, name, staffAt: {} };
}

/** A role in a clinic: the membership and a staff row (vets take appointments). */
async function addMembership(one: One, user: TestUser, tenantId: string, role: Role) {
  await one(`insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)`, [
    tenantId,
    user.id,
    role,
  ]);
  const staff = await one(
    `insert into staff (tenant_id, user_id, name, kind, takes_appointments) values ($1, $2, $3, $4, $5) returning id`,
    [tenantId, user.id, user.name, role, role === 'vet'],
  );
  user.staffAt[tenantId] = staff.id;
}

async function insertClient(
  one: One,
  tenantId: string,
  c: ClientOptions,
): Promise<{ id: string; pets: TestPet[] }> {
  const [firstName, lastName] = [c.firstName ?? 'Test', c.lastName ?? 'Owner'];
  const { id } = await one(
    `insert into clients (tenant_id, first_name, last_name, phone, email) values ($1, $2, $3, $4, $5) returning id`,
    [tenantId, firstName, lastName, c.phone ?? null, c.email ?? null],
  );
  const pets: TestPet[] = [];
  for (const p of c.pets ?? []) {
    const pet = await one(
      `insert into pets (tenant_id, client_id, name, species, microchip) values ($1, $2, $3, 'dog', $4) returning id`,
      [tenantId, id, p.name, p.microchip ?? null],
    );
    pets.push({ id: pet.id, name: p.name, clientId: id, owner: `${firstName} ${lastName}` });
  }
  return { id, pets };
}
