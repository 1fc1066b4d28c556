import { Controller, Get, Query, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ResponseCache } from '../cache/response-cache.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { clinicRead } from '../web/cached-page.js';
import { SearchService } from './search.service.js';

/** The one search box: a results page, and JSON for pickers (the booking form's pet picker). */
@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly responses: ResponseCache,
  ) {}

  @Get('search')
  @Render('pet/search')
  async page(@Res({ passthrough: true }) res: Response, @Query('q') q?: string) {
    const query = typeof q === 'string' ? q : '';
    return { q: query, results: query ? await this.cached(res, query) : [], searched: !!query };
  }

  /** `{ results: [{ kind, id, label, sublabel, clientId, petId? }] }`; `kind=pet` for pets only. */
  @Get('search.json')
  async json(
    @Res({ passthrough: true }) res: Response,
    @Query('q') q?: string,
    @Query('kind') kind?: string,
  ) {
    const only = kind === 'pet' || kind === 'client' ? kind : undefined;
    return { results: await this.cached(res, typeof q === 'string' ? q : '', only) };
  }

  private cached(res: Response, q: string, kind?: 'pet' | 'client') {
    return this.responses.read(clinicRead(res, { view: 'search', params: { q, kind } }), () =>
      this.search.search(q, { kind }),
    );
  }
}
