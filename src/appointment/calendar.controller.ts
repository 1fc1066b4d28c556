import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ResponseCache } from '../cache/response-cache.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { parseInput } from '../common/validation.js';
import { formErrors } from '../web/form-errors.js';
import { ColumnsForm } from './appointment.forms.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { renderCachedPage, sendCachedFragment } from '../web/cached-page.js';
import { pageLocale } from '../web/page-locale.js';
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

/** Today's grid shows the current-time line: cached per minute, other days until a write. */
function nowMinute(date: string, now: Date): number | null {
  return date === ClinicTime.today(currentTenant().timeZone)
    ? Math.floor(now.getTime() / 60_000)
    : null;
}

@Controller('c/:clinicSlug/calendar')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly responses: ResponseCache,
  ) {}

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
    const week = view === 'week';
    const nav = navFor(date, week ? 'week' : 'day', by);
    const now = new Date();
    const locale = pageLocale(res);
    const params = { date, by, today: nav.today, minute: week ? null : nowMinute(date, now) };
    if (week)
      return renderCachedPage(res, this.responses, {
        template: 'appointment/week',
        part: { view: 'calendar-week', params },
        load: async () => ({ nav, week: await this.calendar.week(date, locale) }),
      });
    return renderCachedPage(res, this.responses, {
      template: 'appointment/day',
      part: { view: 'calendar-day', params, byUser: true },
      load: async () => ({
        nav,
        day: await this.calendar.day(date, by, { locale, userId: user.id, now }),
      }),
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
    const date = dateOrToday(dateParam);
    const by = byParam === 'room' ? 'room' : 'staff';
    const now = new Date();
    return sendCachedFragment(res, this.responses, {
      template: 'partials/appointment/day-grid',
      part: {
        view: 'calendar-grid',
        params: { date, by, minute: nowMinute(date, now) },
        byUser: true,
      },
      load: async () => ({
        day: await this.calendar.day(date, by, { locale: pageLocale(res), userId: user.id, now }),
      }),
    });
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
        day: await this.calendar.day(date, 'staff', { locale: pageLocale(res), userId: user.id }),
        error,
      });
    }
  }
}
