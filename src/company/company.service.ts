import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import type { SessionUser } from '../tenant/request-context.js';

export interface CompanyView {
  id: string;
  slug: string;
  name: string;
  clinics: { slug: string; name: string; timeZone: string }[];
}

/** Enterprise companies and their clinics. Roll-up numbers come with the enterprise issue. */
@Injectable()
export class CompanyService {
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  /** The company, when the user administers it (or is a platform admin); otherwise the same 404. */
  async forUser(slug: string, user: SessionUser): Promise<CompanyView> {
    const [company] = await this.db.query(
      `select c.id, c.slug, c.name from companies c
        where c.slug = $1
          and ($3 or exists (select 1 from company_admins ca where ca.company_id = c.id and ca.user_id = $2))`,
      [slug, user.id, user.isPlatformAdmin],
    );
    if (!company) throw new NotFoundError('company');
    company.clinics = await this.db.query(
      `select slug, name, time_zone as "timeZone" from tenants where company_id = $1 and status = 'active' order by name`,
      [company.id],
    );
    return company as CompanyView;
  }
}
