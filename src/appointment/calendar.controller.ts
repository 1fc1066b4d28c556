import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { parseInput } from '../common/validation.js';
import { formErrors } from '../web/form-errors.js';
import { ColumnsForm } from './appointment.forms.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { CalendarService } from './calendar.service.js';

function dateOrToday(value: unknown): string {
  return ClinicTime.isDate(value) ? value : ClinicTime.today(currentTenant().timeZone);
}

function navFor(date: string, view: 'day' | 'week', by: 'staff' | 'room') {
  return {
    date,
    today: ClinicTime.today(currentTenant().timeZone),
    prev: ClinicTime.addDays(date, view === 'week' ? -7 : -1),
    next: ClinicTime.addDays(date, view === 'week' ? 7 : 1),
    by,
    view,
  };
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
    const nav = navFor(date, view === 'week' ? 'week' : 'day', by);
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
    @Body() body: Record<string, unknown>,
    @SignedInUser() user: SessionUser,
  ) {
    const date = dateOrToday(body.date);
    try {
      const form = parseInput(ColumnsForm, body);
      await this.calendar.chooseColumns(user.id, form.choice === 'all' ? [] : form.staffIds);
      res.redirect(303, `/c/${currentTenant().slug}/calendar?date=${date}`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('appointment/day', {
        nav: navFor(date, 'day', 'staff'),
        day: await this.calendar.day(date, 'staff', { userId: user.id }),
        error,
      });
    }
  }
}
