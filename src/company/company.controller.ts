import { Body, Controller, Get, Param, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { CompanyAccessGuard, CurrentCompany } from './company-access.guard.js';
import { CompanyRollupService } from './company-rollup.service.js';
import { CompanyStaffService } from './company-staff.service.js';
import { ASSIGNABLE_ROLES } from './company.forms.js';
import { CompanyService, type CompanyView } from './company.service.js';
import { clinicRows, percent, staffMatrix } from './company.view-model.js';

/** A company admin's pages: roll-ups across its clinics, a clinic's drill-down, its people. */
@Controller('companies/:companySlug')
@UseGuards(CompanyAccessGuard)
export class CompanyController {
  constructor(
    private readonly companies: CompanyService,
    private readonly rollups: CompanyRollupService,
    private readonly staff: CompanyStaffService,
  ) {}

  @Get()
  @Render('company/dashboard')
  async dashboard(@CurrentCompany() company: CompanyView) {
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
  switchClinic(
    @CurrentCompany() company: CompanyView,
    @Query('clinic') clinicSlug: string,
    @Res() res: Response,
  ) {
    const clinic = this.companies.clinicOf(company, String(clinicSlug ?? ''));
    res.redirect(303, `/companies/${company.slug}/clinics/${clinic.slug}`);
  }

  @Get('clinics/:clinicSlug')
  @Render('company/clinic')
  async clinic(@CurrentCompany() company: CompanyView, @Param('clinicSlug') clinicSlug: string) {
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
  async people(@CurrentCompany() company: CompanyView, @Res() res: Response) {
    await this.renderStaff(res, company, 200);
  }

  @Post('staff')
  async assign(
    @CurrentCompany() company: CompanyView,
    @Body() body: Record<string, string>,
    @Res() res: Response,
  ) {
    try {
      await this.staff.assign(company, body);
      res.redirect(303, `/companies/${company.slug}/staff`);
    } catch (err) {
      const error = formErrors(err);
      // The password is never echoed back into the form.
      const values = { ...body, password: '' };
      // 422 for refused details, as this page has always answered.
      await this.renderStaff(res, company, error.status === 400 ? 422 : error.status, {
        error,
        values,
      });
    }
  }

  @Post('staff/:userId/clinics/:clinicSlug/remove')
  async remove(
    @CurrentCompany() company: CompanyView,
    @Param('userId') userId: string,
    @Param('clinicSlug') clinicSlug: string,
    @Res() res: Response,
  ) {
    await this.staff.remove(company, clinicSlug, userId);
    res.redirect(303, `/companies/${company.slug}/staff`);
  }

  private async renderStaff(
    res: Response,
    company: CompanyView,
    status: number,
    form: { error?: FormErrors; values?: Record<string, string> } = {},
  ) {
    const people = await this.staff.people(company);
    const values = form.values ?? {};
    res.status(status).render('company/staff', {
      title: company.name,
      company,
      people: staffMatrix(people, company.clinics),
      clinicOptions: company.clinics.map((c) => ({
        value: c.slug,
        label: c.name,
        selected: c.slug === values.clinic,
      })),
      roleOptions: ASSIGNABLE_ROLES.map((r) => ({ value: r, selected: r === values.role })),
      error: form.error,
      values,
    });
  }
}
