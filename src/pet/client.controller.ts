import { Controller, Get, Param, Query, Render, UseGuards } from '@nestjs/common';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { ClientService } from './client.service.js';

const PAGE_SIZE = 50;

@Controller('c/:clinicSlug/clients')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class ClientController {
  constructor(private readonly clients: ClientService) {}

  @Get()
  @Render('pet/clients')
  async list(@Query('page') pageParam?: string) {
    const page = Math.max(1, Number.parseInt(pageParam ?? '1', 10) || 1);
    const [clients, counts] = await Promise.all([
      this.clients.list({ page, pageSize: PAGE_SIZE }),
      this.clients.counts(),
    ]);
    const pages = Math.max(1, Math.ceil(counts.clients / PAGE_SIZE));
    return {
      clients,
      total: counts.clients,
      page,
      pages,
      prev: page > 1 ? page - 1 : null,
      next: page < pages ? page + 1 : null,
    };
  }

  @Get(':clientId')
  @Render('pet/client')
  async show(@Param('clientId') clientId: string) {
    return { client: await this.clients.get(clientId) };
  }
}
