import { Controller, Get, Query, Render, UseGuards } from '@nestjs/common';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { SearchService } from './search.service.js';

/** The one search box: a results page, and JSON for pickers (the booking form's pet picker). */
@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @Render('pet/search')
  async page(@Query('q') q?: string) {
    const query = typeof q === 'string' ? q : '';
    return { q: query, results: query ? await this.search.search(query) : [], searched: !!query };
  }

  /** `{ results: [{ kind, id, label, sublabel, clientId, petId? }] }`; `kind=pet` for pets only. */
  @Get('search.json')
  async json(@Query('q') q?: string, @Query('kind') kind?: string) {
    const only = kind === 'pet' || kind === 'client' ? kind : undefined;
    return { results: await this.search.search(typeof q === 'string' ? q : '', { kind: only }) };
  }
}
