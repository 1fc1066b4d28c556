import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PasswordService } from '../../src/staff/password.service.js';
import { superuserUrl } from './services.js';

export interface TestClinic {
  id: string;
  slug: string;
  name: string;
  frontdesk: string;
  manager: string;
  vetLogin: string;
  vets: { id: string; name: string }[];
  rooms: string[];
  consult: string;
  pets: { id: string; name: string; clientId: string }[];
}

let hashed: Promise<string> | undefined;

/**
 * A fresh clinic of its own for a test file: staff, rooms, one 20-minute type, clients and
 * pets, and front-desk, manager and vet logins (password `vetlane-demo`). Written as the
 * superuser, as a clinic's onboarding would be.
 */
export async function createClinic(opts: {
  timeZone: string;
  locale?: 'en' | 'es';
  hours?: { weekday: number; opens: string; closes: string }[];
  vets?: number;
  pets?: number;
}): Promise<TestClinic> {
  hashed ??= new PasswordService().hash('vetlane-demo');
  const hash = await hashed;
  const suffix = randomBytes(4).toString('hex');
  const slug = `test-clinic-${suffix}`;
  const db = new pg.Client({ connectionString: superuserUrl() });
  await db.connect();
  try {
    await db.query('begin');
    const one = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows[0];
    const tenant = await one(
      `insert into tenants (slug, name, time_zone, locale) values ($1, $2, $3, $4) returning id`,
      [slug, `Test Clinic ${suffix}`, opts.timeZone, opts.locale ?? 'en'],
    );
    const login = async (who: string, role: string, kind: string) => {
      const email = `${who}@${slug}.vetlane.test`;
      const user = await one(
        `insert into users (email, name, password_hash) values ($1, $2, $3) returning id`,
        [email, `${who} ${suffix}`, hash],
      );
      await db.query(`insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)`, [
        tenant.id,
        user.id,
        role,
      ]);
      const staff = await one(
        `insert into staff (tenant_id, user_id, name, kind, takes_appointments) values ($1, $2, $3, $4, $5) returning id, name`,
        [tenant.id, user.id, `${who} ${suffix}`, kind, kind === 'vet'],
      );
      return { email, staff };
    };
    const frontdesk = await login('frontdesk', 'front_desk', 'front_desk');
    const manager = await login('manager', 'manager', 'manager');
    const vet = await login('vet', 'vet', 'vet');
    const vets = [vet.staff];
    for (let i = 1; i < (opts.vets ?? 2); i++) {
      vets.push(
        await one(
          `insert into staff (tenant_id, name, kind, takes_appointments) values ($1, $2, 'vet', true) returning id, name`,
          [tenant.id, `Vet ${i} ${suffix}`],
        ),
      );
    }
    const rooms = [];
    for (const name of ['Exam 1', 'Exam 2'])
      rooms.push(
        (
          await one(`insert into rooms (tenant_id, name) values ($1, $2) returning id`, [
            tenant.id,
            name,
          ])
        ).id,
      );
    const consult = (
      await one(
        `insert into appointment_types (tenant_id, name, duration_minutes) values ($1, 'Consultation', 20) returning id`,
        [tenant.id],
      )
    ).id;
    const hours =
      opts.hours ??
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' }));
    for (const h of hours)
      await db.query(
        `insert into opening_hours (tenant_id, weekday, opens, closes) values ($1, $2, $3, $4)`,
        [tenant.id, h.weekday, h.opens, h.closes],
      );
    const pets = [];
    for (let i = 0; i < (opts.pets ?? 3); i++) {
      const client = await one(
        `insert into clients (tenant_id, first_name, last_name, phone) values ($1, $2, $3, $4) returning id`,
        [tenant.id, `Owner${i}`, `Family${suffix}`, `+1 555 0100 ${i}`],
      );
      const pet = await one(
        `insert into pets (tenant_id, client_id, name, species) values ($1, $2, $3, 'dog') returning id, name`,
        [tenant.id, client.id, `Pet${i}-${suffix}`],
      );
      pets.push({ id: pet.id, name: pet.name, clientId: client.id });
    }
    await db.query('commit');
    return {
      id: tenant.id,
      slug,
      name: `Test Clinic ${suffix}`,
      frontdesk: frontdesk.email,
      manager: manager.email,
      vetLogin: vet.email,
      vets,
      rooms,
      consult,
      pets,
    };
  } catch (err) {
    await db.query('rollback');
    throw err;
  } finally {
    await db.end();
  }
}
