import { Body, Controller, Get, Param, Post, Render, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { formErrors } from '../web/form-errors.js';
import { TokenNameForm } from './api-token.forms.js';
import { ApiTokenService } from './api-token.service.js';

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
    return { title: 'API', tokens: await this.tokens.list(), created, form: {} };
  }

  @Post()
  async create(
    @Body() body: { name?: unknown },
    @SignedInUser() user: SessionUser,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    try {
      const { name } = parseInput(TokenNameForm, body);
      const { token } = await this.tokens.create({ name, userId: user.id });
      req.session.newApiToken = { name, token };
      res.redirect(303, `/c/${currentTenant().slug}/settings/api-tokens`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('api/api-tokens', {
        tokens: await this.tokens.list(),
        form: { name: typeof body.name === 'string' ? body.name : '' },
        error,
      });
    }
  }

  @Post(':tokenId/revoke')
  async revoke(@Param('tokenId') tokenId: string, @Res() res: Response) {
    await this.tokens.revoke(tokenId);
    res.redirect(303, `/c/${currentTenant().slug}/settings/api-tokens`);
  }
}
