import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccessService } from './access.service.js';
import { RequestContexts } from './request-context.js';

/** `/` sends each user to their home: a clinic, a company, /admin, or a chooser when several. */
@Controller()
export class HomeController {
  constructor(private readonly access: AccessService) {}

  @Get()
  async home(@Res() res: Response) {
    const user = RequestContexts.current()?.user;
    if (!user) return res.redirect('/login');
    const [clinics, companies] = await Promise.all([
      this.access.clinicsFor(user.id),
      this.access.companiesFor(user.id),
    ]);
    // A company admin's clinics are reached through the company, so they don't count as homes.
    const ownClinics = clinics.filter((c) => c.role !== 'company_admin');
    const homes = ownClinics.length + companies.length + (user.isPlatformAdmin ? 1 : 0);
    if (homes === 1) {
      if (user.isPlatformAdmin) return res.redirect('/admin');
      if (companies.length === 1) return res.redirect(`/companies/${companies[0].slug}`);
      return res.redirect(`/c/${ownClinics[0].slug}`);
    }
    res.render('tenant/choose', {
      clinics,
      companies,
      isPlatformAdmin: user.isPlatformAdmin,
      empty: homes === 0,
    });
  }
}
