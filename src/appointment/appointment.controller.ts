import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../common/validation.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant, type SessionUser } from '../tenant/request-context.js';
import { SignedInUser } from '../tenant/signed-in-user.js';
import {
  appointmentFormErrors,
  bookingChoices,
  editFormValues,
  type FormValues,
} from './appointment-form.view-model.js';
import { BookForm, ChangeForm, MoveForm, StatusForm } from './appointment.forms.js';
import { AppointmentService } from './appointment.service.js';
import { BookingDefaults } from './booking-defaults.js';
import { PetPicker } from './pet-picker.js';
import { allowedTransitions } from './status-flow.js';

@Controller('c/:clinicSlug/appointments')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class AppointmentController {
  constructor(
    private readonly appointments: AppointmentService,
    private readonly settings: ClinicSettingsService,
    private readonly pets: PetPicker,
    private readonly defaults: BookingDefaults,
  ) {}

  @Get('new')
  async newForm(
    @Res() res: Response,
    @Query() query: FormValues,
    @SignedInUser() user: SessionUser,
  ) {
    await this.renderForm(res, 200, await this.defaults.formValues(query, user.id));
  }

  @Post()
  async create(@Res() res: Response, @Body() body: FormValues) {
    try {
      const booked = await this.appointments.book(parseInput(BookForm, body));
      res.redirect(
        303,
        `/c/${currentTenant().slug}/appointments/${booked[0].id}?booked=${booked.length}`,
      );
    } catch (err) {
      const error = appointmentFormErrors(err);
      await this.renderForm(res, error.status, { values: body, error });
    }
  }

  @Get(':id')
  async show(@Res() res: Response, @Param('id') id: string, @Query('booked') booked?: string) {
    await this.renderShow(res, id, 200, { booked: Number(booked) || null });
  }

  @Get(':id/edit')
  async editForm(@Res() res: Response, @Param('id') id: string) {
    const appointment = await this.appointments.get(id);
    const values = editFormValues(appointment, currentTenant().timeZone);
    await this.renderForm(res, 200, { values, appointment });
  }

  @Post(':id')
  async update(@Res() res: Response, @Param('id') id: string, @Body() body: FormValues) {
    try {
      await this.appointments.change(id, parseInput(ChangeForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/appointments/${id}`);
    } catch (err) {
      const error = appointmentFormErrors(err);
      const appointment = await this.appointments.get(id);
      await this.renderForm(res, error.status, { values: body, error, appointment });
    }
  }

  @Post(':id/status')
  async status(@Res() res: Response, @Param('id') id: string, @Body() body: FormValues) {
    try {
      await this.appointments.changeStatus(id, parseInput(StatusForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/appointments/${id}`);
    } catch (err) {
      const error = appointmentFormErrors(err);
      await this.renderShow(res, id, error.status, { error });
    }
  }

  /**
   * Drag and drop on the calendar (JSON), with the same rules as the form; a refusal is the
   * exception filter's `{ error: { code, message, details } }` like every JSON answer.
   */
  @Post(':id/move')
  @HttpCode(200)
  async move(@Param('id') id: string, @Body() body: FormValues) {
    const moved = await this.appointments.move(id, parseInput(MoveForm, body));
    return {
      appointment: {
        id: moved.id,
        version: moved.version,
        startsAt: moved.startsAt,
        staffId: moved.staffId,
      },
    };
  }

  private async renderShow(res: Response, id: string, status: number, extra: object) {
    const [appointment, history] = await Promise.all([
      this.appointments.get(id),
      this.appointments.history(id),
    ]);
    res.status(status).render('appointment/show', {
      ...extra,
      appointment,
      history,
      transitions: allowedTransitions(appointment.status),
      date: ClinicTime.localDate(appointment.startsAt, currentTenant().timeZone),
    });
  }

  private async renderForm(
    res: Response,
    status: number,
    model: {
      values: FormValues;
      error?: unknown;
      appointment?: unknown;
      slotNotFound?: boolean;
      slotFound?: boolean;
    },
  ) {
    const schedule = await this.settings.load();
    const values = model.values;
    const picked = values.petId ? await this.pets.describe(values.petId) : null;
    const matches = !picked && values.q ? await this.pets.search(values.q) : [];
    res.status(status).render('appointment/form', {
      ...model,
      picked,
      matches,
      choices: bookingChoices(schedule, values),
      // Only a manager's override reason is honoured (the service decides); others don't see the field.
      canOverride: currentTenant().role === 'manager',
    });
  }
}
