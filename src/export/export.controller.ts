import { Controller, Get, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { canReadClinical } from '../record/record-access.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { TenantExportService } from './tenant-export.service.js';

/**
 * A clinic's managers download all of the clinic's data; its company's admins the same
 * without clinical content (no SOAP text, vitals, addenda or attached files).
 */
@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager', 'company_admin')
export class ExportController {
  constructor(private readonly exporter: TenantExportService) {}

  @Get('export')
  @Render('export/export')
  page() {
    return { title: 'Export' };
  }

  @Get('export.zip')
  async download(@Res() res: Response) {
    const tenant = currentTenant();
    const stamp = new Date().toISOString().slice(0, 10);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${tenant.slug}-${stamp}.zip"`);
    res.setHeader('Cache-Control', 'no-store');
    await this.exporter.write(tenant, res, { clinical: canReadClinical(tenant.role) });
  }
}
