import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { BookForm, ChangeForm, StatusForm } from '../appointment/appointment.forms.js';
import { ResponseCache } from '../cache/response-cache.js';
import type { AppointmentView } from '../appointment/appointment.queries.js';
import { AppointmentService } from '../appointment/appointment.service.js';
import { CalendarService } from '../appointment/calendar.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { Translator } from '../i18n/i18n.js';
import { currentTenant } from '../tenant/request-context.js';
import { ApiV1Controller } from './api-controller.js';
import { parseApiInput } from './api-input.js';
import { calendarDate } from '../common/validation.js';
import { openApiSchema } from './api-schemas.js';

const DayQuery = z.object({
  date: calendarDate('validation.dateFormat'),
});
const CONFLICT =
  '`{ error: { code: "appointment_conflict" | "series_conflict" | "stale_appointment" | "illegal_transition", message, details } }`';

/** Appointments as integrations see them: instants in UTC plus the clinic-local date and time. */
function toApi(a: AppointmentView) {
  const zone = currentTenant().timeZone;
  return {
    ...a,
    localDate: ClinicTime.localDate(a.startsAt, zone),
    localTime: ClinicTime.localTime(a.startsAt, zone),
    timeZone: zone,
  };
}

@ApiV1Controller('appointments')
export class AppointmentsApiController {
  constructor(
    private readonly appointments: AppointmentService,
    private readonly calendar: CalendarService,
    private readonly translator: Translator,
    private readonly responses: ResponseCache,
  ) {}

  @Get()
  @ApiOperation({ summary: "A day's appointments (the clinic's local day), all statuses" })
  @ApiQuery({ name: 'date', required: true, schema: { type: 'string', format: 'date' } })
  async day(@Query() query: unknown) {
    const { date } = parseApiInput(this.translator, DayQuery, query);
    const data = await this.responses.read(
      { scope: { tenantId: currentTenant().id }, view: 'api-day', params: { date } },
      async () => (await this.calendar.dayList(date)).map((a) => toApi(a)),
    );
    return { date, data };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One appointment' })
  @ApiResponse({ status: 404, description: 'No such appointment in this clinic' })
  async get(@Param('id') id: string) {
    return toApi(await this.appointments.get(id));
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Book an appointment (or a series with repeatCount/repeatEvery/repeatUnit); date and time are clinic-local',
  })
  @ApiBody({ schema: openApiSchema(BookForm) })
  @ApiResponse({ status: 201, description: '`{ data: Appointment[] }`' })
  @ApiResponse({ status: 409, description: CONFLICT })
  @ApiResponse({
    status: 422,
    description: 'Outside opening hours, in a closure, or a local time the clocks skip',
  })
  async create(@Body() body: unknown) {
    const booked = await this.appointments.book(parseApiInput(this.translator, BookForm, body));
    return { data: booked.map(toApi) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Move or change an appointment; `version` must be the one you read' })
  @ApiBody({ schema: openApiSchema(ChangeForm) })
  @ApiResponse({ status: 409, description: CONFLICT })
  async update(@Param('id') id: string, @Body() body: unknown) {
    const { original: _original, ...form } = parseApiInput(this.translator, ChangeForm, body);
    return toApi(await this.appointments.change(id, form));
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Change the status: booked → confirmed → checked_in → in_progress → completed; cancelled; no_show',
  })
  @ApiBody({ schema: openApiSchema(StatusForm) })
  @ApiResponse({ status: 409, description: CONFLICT })
  async status(@Param('id') id: string, @Body() body: unknown) {
    return toApi(
      await this.appointments.changeStatus(id, parseApiInput(this.translator, StatusForm, body)),
    );
  }
}
