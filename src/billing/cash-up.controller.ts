import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClinicTime } from '../clinic/clinic-time.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { TAKINGS_READERS } from './billing-access.js';
import { TakingsService } from './takings.service.js';

/** The end-of-day cash-up: what came in by method, what was issued, who still owes. */
@Controller('c/:clinicSlug/billing/cash-up')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...TAKINGS_READERS)
export class CashUpController {
  constructor(private readonly takings: TakingsService) {}

  @Get()
  async show(@Res() res: Response, @Query('date') date?: string) {
    const zone = currentTenant().timeZone;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(date ?? '') ? date! : ClinicTime.today(zone);
    const cashUp = await this.takings.cashUp(day);
    res.render('billing/cash-up', {
      ...cashUp,
      prev: ClinicTime.addDays(day, -1),
      next: ClinicTime.addDays(day, 1),
    });
  }
}
