import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { AppointmentConflict, SeriesConflict, StaleAppointment } from './appointment.errors.js';
import { BookForm, ChangeForm, MoveForm, StatusForm } from './appointment.forms.js';
import { AppointmentService } from './appointment.service.js';
import { CalendarService } from './calendar.service.js';
import { PetPicker } from './pet-picker.js';
import { allowedTransitions } from './status-flow.js';

type Body = Record<string, string | undefined>;

/** What a form shows about an error: a code for the message, the field, and details. */
function formError(err: AppError) {
  const zone = currentTenant().timeZone;
  const at = (d: Date) => `${ClinicTime.localDate(d, zone)} ${ClinicTime.localTime(d, zone)}`;
  // Instants in a change list read as the clinic's local time.
  const localIso = (v: string) => (/^\d{4}-\d{2}-\d{2}T/.test(v) ? at(new Date(v)) : v);
  return {
    code: err.code,
    params: err.params,
    fields:
      err instanceof ValidationFailed ? err.fields : err.field ? { [err.field]: err.code } : {},
    clash:
      err instanceof AppointmentConflict && err.clash
        ? {
            ...err.clash,
            at: at(err.clash.startsAt),
            until: ClinicTime.localTime(err.clash.endsAt, zone),
          }
        : null,
    clashes:
      err instanceof SeriesConflict ? err.clashes.map((c) => ({ ...c, at: at(c.startsAt) })) : null,
    changes:
      err instanceof StaleAppointment
        ? err.changes.map((c) => ({ ...c, from: localIso(c.from), to: localIso(c.to) }))
        : null,
  };
}

@Controller('c/:clinicSlug/appointments')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class AppointmentController {
  constructor(
    private readonly appointments: AppointmentService,
    private readonly settings: ClinicSettingsService,
    private readonly pets: PetPicker,
    private readonly calendar: CalendarService,
  ) {}

  @Get('new')
  async newForm(@Res() res: Response, @Query() query: Body) {
    const zone = currentTenant().timeZone;
    const values: Body = {
      date: ClinicTime.today(zone),
      time: '09:00',
      repeatUnit: 'weeks',
      ...query,
    };
    let slotNotFound = false;
    if (query.findSlot && query.staffId && query.typeId) {
      const slot = await this.calendar.nextFreeSlotFor({
        staffId: query.staffId,
        typeId: query.typeId,
        durationMinutes: Number(query.durationMinutes) || undefined,
      });
      if (slot)
        Object.assign(values, {
          date: ClinicTime.localDate(slot.startsAt, zone),
          time: ClinicTime.localTime(slot.startsAt, zone),
        });
      else slotNotFound = true;
    }
    await this.renderForm(res, 200, {
      values,
      slotNotFound,
      slotFound: Boolean(query.findSlot) && !slotNotFound,
    });
  }

  @Post()
  async create(@Res() res: Response, @Body() body: Body) {
    try {
      const form = parseInput(BookForm, body);
      const booked = await this.appointments.book(form);
      res.redirect(
        303,
        `/c/${currentTenant().slug}/appointments/${booked[0].id}?booked=${booked.length}`,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await this.renderForm(res, err.status, { values: body, error: formError(err) });
    }
  }

  @Get(':id')
  async show(@Res() res: Response, @Param('id') id: string, @Query('booked') booked?: string) {
    const [appointment, history] = await Promise.all([
      this.appointments.get(id),
      this.appointments.history(id),
    ]);
    res.render('appointment/show', {
      appointment,
      history,
      booked: Number(booked) || null,
      transitions: allowedTransitions(appointment.status),
      date: ClinicTime.localDate(appointment.startsAt, currentTenant().timeZone),
    });
  }

  @Get(':id/edit')
  async editForm(@Res() res: Response, @Param('id') id: string) {
    const a = await this.appointments.get(id);
    const zone = currentTenant().timeZone;
    const values = {
      version: String(a.version),
      staffId: a.staffId,
      roomId: a.roomId ?? '',
      typeId: a.typeId,
      date: ClinicTime.localDate(a.startsAt, zone),
      time: ClinicTime.localTime(a.startsAt, zone),
      durationMinutes: String(Math.round((a.endsAt.getTime() - a.startsAt.getTime()) / 60000)),
      reason: a.reason ?? '',
      original: Buffer.from(
        JSON.stringify({
          staffId: a.staffId,
          roomId: a.roomId,
          typeId: a.typeId,
          startsAt: a.startsAt.toISOString(),
          endsAt: a.endsAt.toISOString(),
          reason: a.reason,
          labels: { staffId: a.staffName, roomId: a.roomName, typeId: a.typeName },
        }),
      ).toString('base64url'),
    };
    await this.renderForm(res, 200, { values, appointment: a });
  }

  @Post(':id')
  async update(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    try {
      const form = parseInput(ChangeForm, body);
      const original = form.original
        ? JSON.parse(Buffer.from(form.original, 'base64url').toString('utf8'))
        : undefined;
      await this.appointments.change(id, { ...form, original });
      res.redirect(303, `/c/${currentTenant().slug}/appointments/${id}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const appointment = await this.appointments.get(id);
      await this.renderForm(res, err.status, { values: body, error: formError(err), appointment });
    }
  }

  @Post(':id/status')
  async status(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    try {
      await this.appointments.changeStatus(id, parseInput(StatusForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/appointments/${id}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const appointment = await this.appointments.get(id);
      res.status(err.status).render('appointment/show', {
        appointment,
        history: await this.appointments.history(id),
        transitions: allowedTransitions(appointment.status),
        error: formError(err),
        date: ClinicTime.localDate(appointment.startsAt, currentTenant().timeZone),
      });
    }
  }

  /** Drag and drop on the calendar (JSON), with the same rules as the form. */
  @Post(':id/move')
  async move(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Body,
  ) {
    try {
      const moved = await this.appointments.move(id, parseInput(MoveForm, body));
      res.status(200).json({
        appointment: {
          id: moved.id,
          version: moved.version,
          startsAt: moved.startsAt,
          staffId: moved.staffId,
        },
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const details = formError(err);
      res.status(err.status).json({
        error: {
          code: err.code,
          message: err.message,
          clash: details.clash,
          changes: details.changes,
        },
      });
    }
    void req;
  }

  private async renderForm(
    res: Response,
    status: number,
    model: {
      values: Body;
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
      staff: schedule.staff.filter((s) => s.active && s.takesAppointments),
      rooms: schedule.rooms.filter((r) => r.active),
      types: schedule.types.filter((t) => t.active),
      canOverride: currentTenant().role === 'manager',
    });
  }
}
