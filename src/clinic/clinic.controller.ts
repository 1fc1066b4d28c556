import { Controller, Get, Render, UseGuards } from '@nestjs/common';
import { ClientService } from '../pet/client.service.js';
import { StaffService } from '../staff/staff.service.js';
import { ClinicAccessGuard } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';

@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
export class ClinicController {
  constructor(
    private readonly staff: StaffService,
    private readonly clients: ClientService,
  ) {}

  @Get()
  @Render('clinic/home')
  async home() {
    const tenant = currentTenant();
    const [staff, counts] = await Promise.all([this.staff.listActive(), this.clients.counts()]);
    return { title: tenant.name, staff, counts, now: new Date() };
  }
}
