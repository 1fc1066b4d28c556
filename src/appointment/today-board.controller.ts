import { Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { wantsJson } from '../web/exception.filter.js';
import { TODAY_ACTIONS, type TodayAction } from './today-board.js';
import { TodayBoardService } from './today-board.service.js';

/** The front desk's today board ("Hoy"), live like the calendar. */
@Controller('c/:clinicSlug/today')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class TodayBoardController {
  constructor(private readonly today: TodayBoardService) {}

  @Get()
  async show(@Res() res: Response) {
    res.render('appointment/today', { title: 'Today', board: await this.today.board() });
  }

  /** Just the board, for the live refresh after a socket event. */
  @Get('board')
  async fragment(@Res() res: Response) {
    res.render('partials/appointment/today-board', {
      layout: false,
      board: await this.today.board(),
    });
  }

  @Post(':id/:action')
  async advance(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('action') action: string,
  ) {
    if (!TODAY_ACTIONS.includes(action as TodayAction)) throw new NotFoundError();
    await this.today.advance(id, action as TodayAction);
    if (wantsJson(req)) res.json({ ok: true });
    else res.redirect(303, `/c/${currentTenant().slug}/today`);
  }
}
