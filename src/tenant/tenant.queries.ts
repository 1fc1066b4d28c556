import type { DataSource } from 'typeorm';
import { firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';
import type { ClinicRole, MembershipRole, TenantRef } from './request-context.js';

/** A tenant row as the request context holds it, before the user's role is known. */
export type TenantRow = Omit<TenantRef, 'role'>;

/** The columns of `tenants t` that make a TenantRow (also used by the API token lookup). */
export const TENANT_ROW_COLUMNS = `t.id, t.slug, t.name, t.time_zone as "timeZone", t.locale,
  t.company_id as "companyId", t.plan`;

export interface ClinicAccessRow extends TenantRow {
  membershipRole: MembershipRole | null;
  isCompanyAdmin: boolean;
}

export interface ClinicChoice {
  slug: string;
  name: string;
  role: ClinicRole;
}

export interface CompanyChoice {
  slug: string;
  name: string;
}

/**
 * SQL of the tenant module. Directory queries (tenants, memberships, company_admins: no
 * clinical content, no tenant policy) take the runtime DataSource; writes inside a clinic's
 * unit of work take its TenantTx.
 */
export const TenantQueries = {
  clinicAccess(db: DataSource, slug: string, userId: string): Promise<ClinicAccessRow | null> {
    return firstRow<ClinicAccessRow>(
      db,
      `select ${TENANT_ROW_COLUMNS}, m.role as "membershipRole",
              exists (select 1 from company_admins ca
                      where ca.company_id = t.company_id and ca.user_id = $2) as "isCompanyAdmin"
         from tenants t
         left join memberships m on m.tenant_id = t.id and m.user_id = $2
        where t.slug = $1 and t.status = 'active'`,
      [slug, userId],
    );
  },

  clinicsFor(db: DataSource, userId: string): Promise<ClinicChoice[]> {
    return db.query<ClinicChoice[]>(
      `select slug, name, role from (
         select t.slug, t.name, m.role
           from memberships m join tenants t on t.id = m.tenant_id
          where m.user_id = $1 and t.status = 'active'
         union all
         select t.slug, t.name, 'company_admin' as role
           from company_admins ca join tenants t on t.company_id = ca.company_id
          where ca.user_id = $1 and t.status = 'active'
            and not exists (select 1 from memberships m where m.tenant_id = t.id and m.user_id = $1)
       ) c order by name`,
      [userId],
    );
  },

  companiesFor(db: DataSource, userId: string): Promise<CompanyChoice[]> {
    return db.query<CompanyChoice[]>(
      `select c.slug, c.name from company_admins ca join companies c on c.id = ca.company_id
        where ca.user_id = $1 order by c.name`,
      [userId],
    );
  },

  /** Every tenant's id, for maintenance passes over all of them. */
  async allIds(db: DataSource): Promise<string[]> {
    const rows = await db.query<{ id: string }[]>('select id from tenants');
    return rows.map((r) => r.id);
  },

  async setTimeZone(tx: TenantTx, zone: string): Promise<void> {
    await tx.manager.query('update tenants set time_zone = $2 where id = $1', [tx.tenantId, zone]);
  },

  /**
   * Adds `delta` bytes to the clinic's stored files, as the runtime role under the row's
   * tenant policy: on Citus a definer function could not touch the placements this
   * transaction wrote as the runtime role (migration 1734300000000).
   */
  async recordObjectBytes(tx: TenantTx, delta: number): Promise<void> {
    await tx.manager.query(
      `insert into tenant_stats as s (tenant_id, object_bytes, last_activity_at) values ($1, $2, now())
       on conflict (tenant_id) do update
         set object_bytes = s.object_bytes + excluded.object_bytes, last_activity_at = excluded.last_activity_at`,
      [tx.tenantId, delta],
    );
  },

  /** A clinic that takes bookings on its public page (`/book/<slug>`), or null. */
  onlineBookingClinic(db: DataSource, slug: string): Promise<TenantRow | null> {
    return firstRow<TenantRow>(
      db,
      `select ${TENANT_ROW_COLUMNS} from tenants t
        where t.slug = $1 and t.status = 'active' and t.online_booking`,
      [slug],
    );
  },

  /** The clinics that take online bookings (whose unconfirmed holds may need expiring). */
  async onlineBookingTenantIds(db: DataSource): Promise<string[]> {
    const rows = await db.query<{ id: string }[]>(
      `select id from tenants where online_booking and status = 'active'`,
    );
    return rows.map((r) => r.id);
  },

  async onlineBooking(tx: TenantTx): Promise<boolean> {
    const row = await firstRow<{ on: boolean }>(
      tx.manager,
      'select online_booking as on from tenants where id = $1',
      [tx.tenantId],
    );
    return row?.on ?? false;
  },

  async setOnlineBooking(tx: TenantTx, on: boolean): Promise<void> {
    await tx.manager.query('update tenants set online_booking = $2 where id = $1', [
      tx.tenantId,
      on,
    ]);
  },

  async noShowGraceMinutes(tx: TenantTx): Promise<number> {
    const row = await firstRow<{ minutes: number }>(
      tx.manager,
      'select no_show_grace_minutes as minutes from tenants where id = $1',
      [tx.tenantId],
    );
    return row?.minutes ?? 15;
  },

  async membershipRole(tx: TenantTx, userId: string): Promise<MembershipRole | null> {
    const [row] = await tx.manager.query<{ role: MembershipRole }[]>(
      'select role from memberships where tenant_id = $1 and user_id = $2',
      [tx.tenantId, userId],
    );
    return row?.role ?? null;
  },

  async upsertMembership(tx: TenantTx, userId: string, role: MembershipRole): Promise<void> {
    await tx.manager.query(
      `insert into memberships (tenant_id, user_id, role) values ($1, $2, $3)
       on conflict (tenant_id, user_id) do update set role = excluded.role`,
      [tx.tenantId, userId, role],
    );
  },

  async deleteMembership(tx: TenantTx, userId: string): Promise<MembershipRole | null> {
    const [gone] = await returningRows<{ role: MembershipRole }>(
      tx.manager,
      'delete from memberships where tenant_id = $1 and user_id = $2 returning role',
      [tx.tenantId, userId],
    );
    return gone?.role ?? null;
  },
};
