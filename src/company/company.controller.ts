import { Body, Controller, Get, Param, Post, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ValidationFailed } from '../common/app-error.js';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts, type SessionUser } from '../tenant/request-context.js';
import { CompanyRollupService } from './company-rollup.service.js';
import { CompanyStaffService } from './company-staff.service.js';
import { CompanyService } from './company.service.js';
import { clinicRows, percent, staffMatrix } from './company.view-model.js';

function signedInUser(): SessionUser {
  const user = RequestContexts.current()?.user;
  if (!user) throw new LoginRequired();
  return user;
}

/** A company admin's pages: roll-ups across its clinics, a clinic's drill-down, its people. */
@Controller('companies/:companySlug')
export class CompanyController {
  constructor(
    private readonly companies: CompanyService,
    private readonly rollups: CompanyRollupService,
    private readonly staff: CompanyStaffService,
  ) {}

  @Get()
  @Render('company/dashboard')
  async dashboard(@Param('companySlug') slug: string) {
    const company = await this.companies.forUser(slug, signedInUser());
    const clinics = await this.rollups.clinics(company.clinics.map((c) => c.id));
    const totals = this.rollups.totals(clinics);
    return {
      title: company.name,
      company,
      clinics: clinicRows(clinics),
      totals: {
        ...totals,
        noShowRate: percent(totals.noShowRate),
        utilisation: percent(totals.utilisation),
      },
    };
  }

  /** The clinic switcher's form (works without JavaScript). */
  @Get('clinics')
  async switchClinic(
    @Param('companySlug') slug: string,
    @Query('clinic') clinicSlug: string,
    @Res() res: Response,
  ) {
    const company = await this.companies.forUser(slug, signedInUser());
    const clinic = this.companies.clinicOf(company, String(clinicSlug ?? ''));
    res.redirect(303, `/companies/${company.slug}/clinics/${clinic.slug}`);
  }

  @Get('clinics/:clinicSlug')
  @Render('company/clinic')
  async clinic(@Param('companySlug') slug: string, @Param('clinicSlug') clinicSlug: string) {
    const company = await this.companies.forUser(slug, signedInUser());
    const clinic = this.companies.clinicOf(company, clinicSlug);
    const [[numbers], week] = await Promise.all([
      this.rollups.clinics([clinic.id]),
      this.rollups.clinicWeek(clinic.id),
    ]);
    return {
      title: `${clinic.name} · ${company.name}`,
      company,
      clinic,
      numbers: clinicRows([numbers])[0],
      week,
    };
  }

  @Get('staff')
  async people(@Param('companySlug') slug: string, @Res() res: Response) {
    const company = await this.companies.forUser(slug, signedInUser());
    await this.renderStaff(res, company, 200);
  }

  @Post('staff')
  async assign(
    @Param('companySlug') slug: string,
    @Body() body: Record<string, string>,
    @Res() res: Response,
  ) {
    const company = await this.companies.forUser(slug, signedInUser());
    try {
      await this.staff.assign(company, body);
      res.redirect(303, `/companies/${company.slug}/staff`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // The password is never echoed back into the form.
      const input = { ...body, password: '' };
      await this.renderStaff(res, company, 422, { errors: err.fields, input });
    }
  }

  @Post('staff/:userId/clinics/:clinicSlug/remove')
  async remove(
    @Param('companySlug') slug: string,
    @Param('userId') userId: string,
    @Param('clinicSlug') clinicSlug: string,
    @Res() res: Response,
  ) {
    const company = await this.companies.forUser(slug, signedInUser());
    await this.staff.remove(company, clinicSlug, userId);
    res.redirect(303, `/companies/${company.slug}/staff`);
  }

  private async renderStaff(
    res: Response,
    company: Awaited<ReturnType<CompanyService['forUser']>>,
    status: number,
    form: { errors?: Record<string, string>; input?: Record<string, string> } = {},
  ) {
    const people = await this.staff.people(company);
    res.status(status).render('company/staff', {
      title: company.name,
      company,
      people: staffMatrix(people, company.clinics),
      roles: ['manager', 'vet', 'nurse', 'front_desk'],
      errors: form.errors ?? {},
      input: form.input ?? {},
    });
  }
}
