import { Controller, Get, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ResponseCache } from '../cache/response-cache.js';
import { ClientService } from '../pet/client.service.js';
import { StaffService } from '../staff/staff.service.js';
import { ClinicAccessGuard } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { clinicRead } from '../web/cached-page.js';

@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
export class ClinicController {
  constructor(
    private readonly staff: StaffService,
    private readonly clients: ClientService,
    private readonly responses: ResponseCache,
  ) {}

  @Get()
  @Render('clinic/home')
  async home(@Res({ passthrough: true }) res: Response) {
    const tenant = currentTenant();
    const board = await this.responses.read(
      clinicRead(res, { view: 'today', params: {} }),
      async () => {
        const [staff, counts] = await Promise.all([this.staff.listActive(), this.clients.counts()]);
        return { staff, counts };
      },
    );
    return { title: tenant.name, ...board, now: new Date() };
  }
}
