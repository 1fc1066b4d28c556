import { Controller, Get, Param, Render } from '@nestjs/common';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts } from '../tenant/request-context.js';
import { CompanyService } from './company.service.js';

@Controller('companies')
export class CompanyController {
  constructor(private readonly companies: CompanyService) {}

  @Get(':companySlug')
  @Render('company/dashboard')
  async dashboard(@Param('companySlug') slug: string) {
    const user = RequestContexts.current()?.user;
    if (!user) throw new LoginRequired();
    const company = await this.companies.forUser(slug, user);
    return { title: company.name, company };
  }
}
