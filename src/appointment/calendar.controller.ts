import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
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
    @Query('date') dateParam?: string,
    @Query('view') view?: string,
    @Query('by') byParam?: string,
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
    res.render('appointment/day', { nav, day: await this.calendar.day(date, by) });
  }

  /** Just the day grid, for the live refresh after a socket event or a reconnect. */
  @Get('grid')
  async grid(
    @Res() res: Response,
    @Query('date') dateParam?: string,
    @Query('by') byParam?: string,
  ) {
    const day = await this.calendar.day(
      dateOrToday(dateParam),
      byParam === 'room' ? 'room' : 'staff',
    );
    res.render('partials/appointment/day-grid', { layout: false, day });
  }
}
