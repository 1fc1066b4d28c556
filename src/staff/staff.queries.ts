import type { DataSource } from 'typeorm';
import { firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';

export type StaffKind = 'vet' | 'nurse' | 'front_desk' | 'groomer' | 'manager';

export interface StaffSummary {
  id: string;
  name: string;
  kind: StaffKind;
  takesAppointments: boolean;
}

/** A user as sign-in needs it (with the hash; never leaves the staff module). */
export interface UserWithHash {
  id: string;
  email: string;
  name: string;
  locale: 'en' | 'es' | null;
  isPlatformAdmin: boolean;
  passwordHash: string;
}

export interface UserContact {
  id: string;
  name: string;
  email: string;
}

/** SQL of the staff module: the clinic's staff rows (tenant), and users (directory). */
export const StaffQueries = {
  listActive(tx: TenantTx): Promise<StaffSummary[]> {
    return tx.manager.query<StaffSummary[]>(
      `select id, name, kind, takes_appointments as "takesAppointments"
         from staff where tenant_id = $1 and active order by kind, name`,
      [tx.tenantId],
    );
  },

  async setBookable(tx: TenantTx, staffIds: string[]): Promise<void> {
    await tx.manager.query(
      `update staff set takes_appointments = (id = any($2::uuid[])) where tenant_id = $1`,
      [tx.tenantId, staffIds],
    );
  },

  /** Offers exactly these staff members on the clinic's online booking page. */
  async setOfferedOnline(tx: TenantTx, staffIds: string[]): Promise<void> {
    await tx.manager.query(
      `update staff set offered_online = (id = any($2::uuid[])) where tenant_id = $1`,
      [tx.tenantId, staffIds],
    );
  },

  /** The clinic's calendar columns in this order (positions 1…n); everyone else: default order. */
  async setCalendarOrder(tx: TenantTx, staffIds: string[]): Promise<void> {
    await tx.manager.query(
      `update staff set calendar_position = array_position($2::uuid[], id) where tenant_id = $1`,
      [tx.tenantId, staffIds],
    );
  },

  /** The user's staff row in the clinic, created or made active with this kind. */
  async upsertForUser(
    tx: TenantTx,
    staff: { user: UserContact; kind: StaffKind; takesAppointments: boolean },
  ): Promise<string> {
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into staff (tenant_id, user_id, name, kind, email, takes_appointments)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, user_id) do update set kind = excluded.kind, active = true
       returning id`,
      [
        tx.tenantId,
        staff.user.id,
        staff.user.name,
        staff.kind,
        staff.user.email,
        staff.takesAppointments,
      ],
    );
    return row.id;
  },

  async deactivateForUser(tx: TenantTx, userId: string): Promise<string | null> {
    const [row] = await returningRows<{ id: string }>(
      tx.manager,
      'update staff set active = false where tenant_id = $1 and user_id = $2 returning id',
      [tx.tenantId, userId],
    );
    return row?.id ?? null;
  },
};

/** Users are a directory table (one login across clinics): these take the runtime DataSource. */
export const UserQueries = {
  withHashByEmail(db: DataSource, email: string): Promise<UserWithHash | null> {
    return firstRow<UserWithHash>(
      db,
      `select id, email, name, locale, is_platform_admin as "isPlatformAdmin",
              password_hash as "passwordHash"
         from users where email = $1`,
      [email],
    );
  },

  contactByEmail(db: DataSource, email: string): Promise<UserContact | null> {
    return firstRow<UserContact>(db, 'select id, name, email from users where email = $1', [email]);
  },

  /** Inserts the user; when the email was taken meanwhile, gives the existing one. */
  async insert(
    db: DataSource,
    user: { email: string; name: string; passwordHash: string },
  ): Promise<UserContact> {
    const [row] = await db.query<UserContact[]>(
      `insert into users (email, name, password_hash) values ($1, $2, $3)
       on conflict (email) do update set email = excluded.email returning id, name, email`,
      [user.email, user.name, user.passwordHash],
    );
    return row;
  },

  async touchLastLogin(db: DataSource, userId: string): Promise<void> {
    await db.query('update users set last_login_at = now() where id = $1', [userId]);
  },

  async setLocale(db: DataSource, userId: string, locale: 'en' | 'es' | null): Promise<void> {
    await db.query('update users set locale = $2 where id = $1', [userId, locale]);
  },

  /** The clinics a user may enter: memberships, and the clinics of the companies they run. */
  async tenantIdsOf(db: DataSource, userId: string): Promise<string[]> {
    const rows = await db.query<{ tenant_id: string }[]>(
      `select tenant_id from memberships where user_id = $1
       union
       select t.id from company_admins ca join tenants t on t.company_id = ca.company_id where ca.user_id = $1`,
      [userId],
    );
    return rows.map((r) => r.tenant_id);
  },
};
