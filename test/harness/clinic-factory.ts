import { randomBytes } from 'node:crypto';
import { adminQuery, superuserUrl } from './services.js';

export interface TestClinic {
  id: string;
  slug: string;
  managerEmail: string;
  frontDeskEmail: string;
}

/**
 * A fresh clinic of its own for a test file, with a manager and a front-desk login
 * (password `vetlane-demo`, hash borrowed from a demo user), so tests that add clients
 * never change the demo clinics' counts other tests read.
 */
export async function createTestClinic(
  opts: { locale?: 'en' | 'es'; name?: string } = {},
): Promise<TestClinic> {
  const slug = `test-${randomBytes(4).toString('hex')}`;
  const url = superuserUrl();
  const {
    rows: [tenant],
  } = await adminQuery(
    url,
    `insert into tenants (slug, name, time_zone, locale) values ($1, $2, 'Europe/Madrid', $3) returning id`,
    [slug, opts.name ?? `Test clinic ${slug}`, opts.locale ?? 'en'],
  );
  const {
    rows: [{ password_hash }],
  } = await adminQuery(url, `select password_hash from users where email = 'admin@vetlane.test'`);
  const managerEmail = `manager@${slug}.vetlane.test`;
  const frontDeskEmail = `frontdesk@${slug}.vetlane.test`;
  for (const [email, role] of [
    [managerEmail, 'manager'],
    [frontDeskEmail, 'front_desk'],
  ]) {
    await adminQuery(
      url,
      `with u as (insert into users (email, name, password_hash) values ($1, $2, $3) returning id)
       insert into memberships (tenant_id, user_id, role) select $4, id, $5 from u`,
      [email, `${role} ${slug}`, password_hash, tenant.id, role],
    );
  }
  return { id: tenant.id, slug, managerEmail, frontDeskEmail };
}

/** Removes a test clinic with everything in it, and its logins. */
export async function dropTestClinic(clinic: TestClinic): Promise<void> {
  const url = superuserUrl();
  await adminQuery(url, 'delete from tenants where id = $1', [clinic.id]);
  await adminQuery(url, 'delete from users where email = any($1)', [
    [clinic.managerEmail, clinic.frontDeskEmail],
  ]);
}
