import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import type { ClinicRole, MembershipRole, SessionUser, TenantRef } from './request-context.js';

export interface ClinicChoice {
  slug: string;
  name: string;
  role: ClinicRole;
}

export interface CompanyChoice {
  slug: string;
  name: string;
}

interface ClinicAccessRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  locale: 'en' | 'es';
  company_id: string | null;
  plan: string;
  membership_role: MembershipRole | null;
  is_company_admin: boolean;
}

/**
 * Who may enter which clinic. Reads only the directory tables (tenants, memberships,
 * company_admins), which hold no clinical content.
 */
@Injectable()
export class AccessService {
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  /** The clinic and the user's role in it, or null when it is unknown or forbidden (same 404). */
  async resolveClinic(slug: string, user: SessionUser): Promise<TenantRef | null> {
    const rows: ClinicAccessRow[] = await this.db.query(
      `select t.id, t.slug, t.name, t.time_zone, t.locale, t.company_id, t.plan,
              m.role as membership_role,
              exists (select 1 from company_admins ca
                      where ca.company_id = t.company_id and ca.user_id = $2) as is_company_admin
         from tenants t
         left join memberships m on m.tenant_id = t.id and m.user_id = $2
        where t.slug = $1 and t.status = 'active'`,
      [slug, user.id],
    );
    const row = rows[0];
    if (!row) return null;
    const role: ClinicRole | null =
      row.membership_role ??
      (row.is_company_admin ? 'company_admin' : user.isPlatformAdmin ? 'platform_admin' : null);
    if (!role) return null;
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      timeZone: row.time_zone,
      locale: row.locale,
      companyId: row.company_id,
      plan: row.plan,
      role,
    };
  }

  /** Clinics the user works at or administers through a company, for the switcher. */
  async clinicsFor(userId: string): Promise<ClinicChoice[]> {
    return this.db.query(
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
  }

  async companiesFor(userId: string): Promise<CompanyChoice[]> {
    return this.db.query(
      `select c.slug, c.name from company_admins ca join companies c on c.id = ca.company_id
        where ca.user_id = $1 order by c.name`,
      [userId],
    );
  }
}
