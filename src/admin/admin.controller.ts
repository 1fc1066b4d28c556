import { Controller, Get, Inject, Render } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/app-error.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts } from '../tenant/request-context.js';

/** Platform admin: the tenant directory. Never clinical content. */
@Controller('admin')
export class AdminController {
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource) {}

  @Get()
  @Render('admin/tenants')
  async tenants() {
    const user = RequestContexts.current()?.user;
    if (!user) throw new LoginRequired();
    if (!user.isPlatformAdmin) throw new NotFoundError('page');
    const tenants = await this.db.query(
      `select t.slug, t.name, t.time_zone as "timeZone", t.locale, t.status, t.created_at as "createdAt", c.name as company
         from tenants t left join companies c on c.id = t.company_id order by t.name limit 500`,
    );
    return { title: 'Vetlane admin', tenants };
  }
}
