import { Body, Controller, Get, Param, Post, Render, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant, RequestContexts } from '../tenant/request-context.js';
import { ApiTokenService } from './api-token.service.js';

const TokenName = z.object({
  name: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .min(1, { error: 'validation.tokenName' })
      .max(100, { error: 'validation.tokenName' }),
  ),
});

/** A clinic manager's API tokens: create (shown once, via the session), list, revoke. */
@Controller('c/:clinicSlug/settings/api-tokens')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Get()
  @Render('api/api-tokens')
  async list(@Req() req: Request) {
    const created = req.session.newApiToken;
    delete req.session.newApiToken;
    return { title: 'API', tokens: await this.tokens.list(), created, form: {}, errors: {} };
  }

  @Post()
  async create(@Body() body: { name?: unknown }, @Req() req: Request, @Res() res: Response) {
    try {
      const { name } = parseInput(TokenName, body);
      const user = RequestContexts.current()!.user!;
      const { token } = await this.tokens.create({ name, userId: user.id });
      req.session.newApiToken = { name, token };
      res.redirect(303, `/c/${currentTenant().slug}/settings/api-tokens`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      res.status(400).render('api/api-tokens', {
        tokens: await this.tokens.list(),
        form: { name: typeof body.name === 'string' ? body.name : '' },
        errors: err.fields,
      });
    }
  }

  @Post(':tokenId/revoke')
  async revoke(@Param('tokenId') tokenId: string, @Res() res: Response) {
    await this.tokens.revoke(tokenId);
    res.redirect(303, `/c/${currentTenant().slug}/settings/api-tokens`);
  }
}
