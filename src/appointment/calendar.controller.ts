import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ResponseCache } from '../cache/response-cache.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { parseInput } from '../common/validation.js';
import { formErrors } from '../web/form-errors.js';
import { ColumnsForm } from './appointment.forms.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { renderCachedPage, sendCachedFragment } from '../web/cached-page.js';
import { FastLane, type LaneRoute } from '../web/fast-lane.js';
import { pageLocale } from '../web/page-locale.js';
import { calendarGrid, calendarNav, calendarPage, type CalendarQuery } from './calendar-reads.js';
import { CalendarService } from './calendar.service.js';

/** The calendar's cached pages, which the fast lane may serve without Express. */
const CALENDAR_PAGE: LaneRoute = {
  name: 'calendar',
  route: '/c/:clinicSlug/calendar',
  path: /^\/c\/([a-z0-9-]+)\/calendar$/,
  kind: 'page',
  part: (query, timeZone, now) => calendarPage(query, timeZone, now).part,
};
const CALENDAR_GRID: LaneRoute = {
  name: 'calendar-grid',
  route: '/c/:clinicSlug/calendar/grid',
  path: /^\/c\/([a-z0-9-]+)\/calendar\/grid$/,
  kind: 'fragment',
  part: (query, timeZone, now) => calendarGrid(query, timeZone, now).part,
};

@Controller('c/:clinicSlug/calendar')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly responses: ResponseCache,
    private readonly lane: FastLane,
  ) {
    lane.register(CALENDAR_PAGE);
    lane.register(CALENDAR_GRID);
  }

  /** The day view (a column per vet or per room), or the week view. */
  @Get()
  async show(
    @Res() res: Response,
    @Query() query: CalendarQuery,
    @SignedInUser() user: SessionUser,
  ) {
    const now = new Date();
    const locale = pageLocale(res);
    const { date, by, week, nav, part } = calendarPage(query, currentTenant().timeZone, now);
    return renderCachedPage(res, this.responses, {
      template: week ? 'appointment/week' : 'appointment/day',
      part,
      lane: this.lane.door(CALENDAR_PAGE),
      load: async () =>
        week
          ? { nav, week: await this.calendar.week(date, locale) }
          : { nav, day: await this.calendar.day(date, by, { locale, userId: user.id, now }) },
    });
  }

  /** Just the day grid, for the live refresh after a socket event or a reconnect. */
  @Get('grid')
  async grid(
    @Res() res: Response,
    @Query() query: CalendarQuery,
    @SignedInUser() user: SessionUser,
  ) {
    const now = new Date();
    const { date, by, part } = calendarGrid(query, currentTenant().timeZone, now);
    return sendCachedFragment(res, this.responses, {
      template: 'partials/appointment/day-grid',
      part,
      lane: this.lane.door(CALENDAR_GRID),
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
    const timeZone = currentTenant().timeZone;
    const date = calendarPage({ date: body.date }, timeZone, new Date()).date;
    try {
      const form = parseInput(ColumnsForm, body);
      await this.calendar.chooseColumns(user.id, form.choice === 'all' ? [] : form.staffIds);
      res.redirect(303, `/c/${currentTenant().slug}/calendar?date=${date}`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('appointment/day', {
        nav: calendarNav(date, 'day', 'staff', timeZone),
        day: await this.calendar.day(date, 'staff', { locale: pageLocale(res), userId: user.id }),
        error,
      });
    }
  }
}
