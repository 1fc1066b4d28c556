import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import type { SessionUser } from '../tenant/request-context.js';

export interface CompanyClinic {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
}

export interface CompanyView {
  id: string;
  slug: string;
  name: string;
  clinics: CompanyClinic[];
}

/** Enterprise companies and their clinics (directory tables only). */
@Injectable()
export class CompanyService {
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * The company, when the user administers it (or is a platform admin: roll-ups are
   * numbers only); otherwise the same 404 as for a company that does not exist.
   */
  async forUser(slug: string, user: SessionUser): Promise<CompanyView> {
    const [company] = await this.db.query(
      `select c.id, c.slug, c.name from companies c
        where c.slug = $1
          and ($3 or exists (select 1 from company_admins ca where ca.company_id = c.id and ca.user_id = $2))`,
      [slug, user.id, user.isPlatformAdmin],
    );
    if (!company) throw new NotFoundError('company');
    company.clinics = await this.db.query(
      `select id, slug, name, time_zone as "timeZone" from tenants
        where company_id = $1 and status = 'active' order by name`,
      [company.id],
    );
    return company as CompanyView;
  }

  /** A clinic of this company, or the 404 a clinic of another company gets. */
  clinicOf(company: CompanyView, clinicSlug: string): CompanyClinic {
    const clinic = company.clinics.find((c) => c.slug === clinicSlug);
    if (!clinic) throw new NotFoundError('clinic');
    return clinic;
  }
}
