import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { isUuid } from '../common/ids.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { CalendarService } from './calendar.service.js';

function dateOrToday(value: unknown): string {
  return ClinicTime.isDate(value) ? value : ClinicTime.today(currentTenant().timeZone);
}

@Controller('c/:clinicSlug/calendar')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** The day view (a column per vet or per room), or the week view. */
  @Get()
  async show(
    @Res() res: Response,
    @Query('date') dateParam: string | undefined,
    @Query('view') view: string | undefined,
    @Query('by') byParam: string | undefined,
    @SignedInUser() user: SessionUser,
  ) {
    const date = dateOrToday(dateParam);
    const by = byParam === 'room' ? 'room' : 'staff';
    const nav = {
      date,
      today: ClinicTime.today(currentTenant().timeZone),
      prev: ClinicTime.addDays(date, view === 'week' ? -7 : -1),
      next: ClinicTime.addDays(date, view === 'week' ? 7 : 1),
      by,
      view: view === 'week' ? 'week' : 'day',
    };
    if (view === 'week')
      return res.render('appointment/week', { nav, week: await this.calendar.week(date) });
    res.render('appointment/day', {
      nav,
      day: await this.calendar.day(date, by, { userId: user.id }),
    });
  }

  /** Just the day grid, for the live refresh after a socket event or a reconnect. */
  @Get('grid')
  async grid(
    @Res() res: Response,
    @Query('date') dateParam: string | undefined,
    @Query('by') byParam: string | undefined,
    @SignedInUser() user: SessionUser,
  ) {
    const day = await this.calendar.day(
      dateOrToday(dateParam),
      byParam === 'room' ? 'room' : 'staff',
      { userId: user.id },
    );
    res.render('partials/appointment/day-grid', { layout: false, day });
  }

  /** The choose-columns control: `choice` all, or the ticked `staffIds` (My column sends one). */
  @Post('columns')
  async columns(
    @Res() res: Response,
    @Body() body: { staffIds?: string | string[]; choice?: string; date?: string },
    @SignedInUser() user: SessionUser,
  ) {
    const ids = body.choice === 'all' ? [] : ([] as string[]).concat(body.staffIds ?? []);
    await this.calendar.chooseColumns(user.id, ids.filter(isUuid));
    res.redirect(303, `/c/${currentTenant().slug}/calendar?date=${dateOrToday(body.date)}`);
  }
}
