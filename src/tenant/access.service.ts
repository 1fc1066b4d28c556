import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import type { ClinicRole, SessionUser, TenantRef } from './request-context.js';
import { type ClinicChoice, type CompanyChoice, TenantQueries } from './tenant.queries.js';

/**
 * Who may enter which clinic. Reads only the directory tables (tenants, memberships,
 * company_admins), which hold no clinical content.
 */
@Injectable()
export class AccessService {
  // Raw runtime DataSource: the tenant is not known yet, and these are directory tables.
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  /** The clinic and the user's role in it, or null when it is unknown or forbidden (same 404). */
  async resolveClinic(slug: string, user: SessionUser): Promise<TenantRef | null> {
    const row = await TenantQueries.clinicAccess(this.db, slug, user.id);
    if (!row) return null;
    const { membershipRole, isCompanyAdmin, ...tenant } = row;
    const role: ClinicRole | null =
      membershipRole ??
      (isCompanyAdmin ? 'company_admin' : user.isPlatformAdmin ? 'platform_admin' : null);
    return role ? { ...tenant, role } : null;
  }

  /** Clinics the user works at or administers through a company, for the switcher. */
  clinicsFor(userId: string): Promise<ClinicChoice[]> {
    return TenantQueries.clinicsFor(this.db, userId);
  }

  companiesFor(userId: string): Promise<CompanyChoice[]> {
    return TenantQueries.companiesFor(this.db, userId);
  }
}
