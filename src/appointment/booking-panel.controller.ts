import { Body, Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../common/validation.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { TenantDb } from '../database/tenant-db.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import type { SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import { bookingChoices, type FormValues } from './appointment-form.view-model.js';
import { BookForm } from './appointment.forms.js';
import { AppointmentService } from './appointment.service.js';
import { BookingDefaults } from './booking-defaults.js';
import { PetPicker } from './pet-picker.js';

/**
 * Booking from the day view without leaving it: the panel (HTML fragment) opened on a slot,
 * the pet typeahead, and the booking itself as JSON (refusals: the filter's JSON error).
 */
@Controller('c/:clinicSlug/calendar')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class BookingPanelController {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
    private readonly defaults: BookingDefaults,
    private readonly pets: PetPicker,
    private readonly appointments: AppointmentService,
  ) {}

  /** `?staffId|roomId&date&time`: the slot clicked. */
  @Get('panel')
  async panel(@Res() res: Response, @Query() query: FormValues, @SignedInUser() user: SessionUser) {
    const { values } = await this.defaults.formValues(query, user.id);
    if (query.roomId) values.roomId = query.roomId;
    const schedule = await this.db.run((tx) => this.settings.schedule(tx));
    res.render('partials/appointment/booking-panel', {
      layout: false,
      values,
      choices: bookingChoices(schedule, values),
    });
  }

  /** Bookable pets matching the text (accent-tolerant search), for the typeahead. */
  @Get('pets')
  async petMatches(@Query('q') q?: string) {
    return {
      results: typeof q === 'string' && q.trim().length >= 2 ? await this.pets.search(q) : [],
    };
  }

  @Post('book')
  @HttpCode(201)
  async book(@Body() body: FormValues) {
    const [first] = await this.appointments.book(parseInput(BookForm, body));
    return { appointment: { id: first.id, startsAt: first.startsAt, staffId: first.staffId } };
  }
}
