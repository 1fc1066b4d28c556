import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { ClinicSettingsService } from './clinic-settings.service.js';
import { ClinicTime } from './clinic-time.js';
import {
  ClosureForm,
  parseHours,
  RoomForm,
  TimeZoneForm,
  TypeForm,
} from './clinic-settings.forms.js';

type Body = Record<string, string | undefined>;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** Managers edit the clinic's time zone, hours, closures, rooms, types and who takes appointments. */
@Controller('c/:clinicSlug/settings')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager', 'company_admin')
export class ClinicSettingsController {
  constructor(private readonly settings: ClinicSettingsService) {}

  @Get()
  async show(@Res() res: Response, @Query('saved') saved?: string) {
    await this.render(res, 200, { saved: saved ?? null });
  }

  @Post('time-zone')
  save(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, async () =>
      this.settings.setTimeZone(parseInput(TimeZoneForm, body).timeZone),
    );
  }

  @Post('hours')
  hours(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, async () => {
      const { hours, fields } = parseHours(body);
      if (Object.keys(fields).length) throw new ValidationFailed(fields);
      await this.settings.replaceHours(hours);
    });
  }

  @Post('closures')
  closure(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, async () => {
      const form = parseInput(ClosureForm, body);
      const zone = currentTenant().timeZone;
      const startsAt = ClinicTime.toInstant(form.startDate, form.startTime, zone);
      const endsAt = ClinicTime.toInstant(form.endDate, form.endTime, zone);
      if (endsAt <= startsAt)
        throw new ValidationFailed({ endTime: 'the end must be after the start' });
      await this.settings.addClosure({
        startsAt,
        endsAt,
        staffId: form.staffId,
        roomId: form.roomId,
        reason: form.reason,
      });
    });
  }

  @Post('closures/:id/delete')
  removeClosure(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    return this.handle(res, body, () => this.settings.removeClosure(id));
  }

  @Post('rooms')
  room(@Res() res: Response, @Body() body: Body) {
    return this.handle(
      res,
      body,
      async () => void (await this.settings.saveRoom(parseInput(RoomForm, body))),
    );
  }

  @Post('types')
  type(@Res() res: Response, @Body() body: Body) {
    return this.handle(
      res,
      body,
      async () => void (await this.settings.saveType(parseInput(TypeForm, body))),
    );
  }

  @Post('staff')
  staff(@Res() res: Response, @Body() body: Record<string, string | string[] | undefined>) {
    const ids = ([] as string[]).concat(body.bookable ?? []).filter(isUuid);
    return this.handle(res, {}, () => this.settings.setBookableStaff(ids));
  }

  private async handle(res: Response, body: Body, save: () => Promise<void>) {
    try {
      await save();
      res.redirect(303, `/c/${currentTenant().slug}/settings?saved=1`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const fields =
        err instanceof ValidationFailed
          ? err.fields
          : err.field
            ? { [err.field]: err.message }
            : { _: err.message };
      await this.render(res, err.status, {
        error: { code: err.code, fields, params: err.params },
        values: body,
      });
    }
  }

  private async render(res: Response, status: number, extra: Record<string, unknown>) {
    const data = await this.settings.load();
    const zone = currentTenant().timeZone;
    const byDay = WEEKDAYS.map((weekday) => {
      const intervals = data.hours.filter((h) => h.weekday === weekday);
      return { weekday, first: intervals[0] ?? null, second: intervals[1] ?? null };
    });
    res.status(status).render('clinic/settings', {
      ...extra,
      timeZone: zone,
      days: byDay,
      closures: data.closures.map((c) => ({
        ...c,
        staffName: data.staff.find((s) => s.id === c.staffId)?.name,
        roomName: data.rooms.find((r) => r.id === c.roomId)?.name,
      })),
      rooms: data.rooms,
      types: data.types,
      staff: data.staff.filter((s) => s.active),
    });
  }
}
