import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import type { SessionUser } from '../tenant/request-context.js';
import { type CompanyClinic, CompanyQueries } from './company.queries.js';

export interface CompanyView {
  id: string;
  slug: string;
  name: string;
  clinics: CompanyClinic[];
}

/** Enterprise companies and their clinics (directory tables only). */
@Injectable()
export class CompanyService {
  // Raw runtime DataSource: companies and their tenants are directory tables, read before any tenant.
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * The company, when the user administers it (or is a platform admin: roll-ups are
   * numbers only); otherwise the same 404 as for a company that does not exist.
   */
  async forUser(slug: string, user: SessionUser): Promise<CompanyView> {
    const company = await CompanyQueries.visibleTo(this.db, slug, {
      id: user.id,
      anyCompany: user.isPlatformAdmin,
    });
    if (!company) throw new NotFoundError('company');
    return { ...company, clinics: await CompanyQueries.clinicsOf(this.db, company.id) };
  }

  /** A clinic of this company, or the 404 a clinic of another company gets. */
  clinicOf(company: CompanyView, clinicSlug: string): CompanyClinic {
    const clinic = company.clinics.find((c) => c.slug === clinicSlug);
    if (!clinic) throw new NotFoundError('clinic');
    return clinic;
  }
}
