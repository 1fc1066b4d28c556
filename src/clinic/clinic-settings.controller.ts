import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { ClinicSettingsService } from './clinic-settings.service.js';
import {
  ClosureForm,
  parseHours,
  RoomForm,
  TimeZoneForm,
  TypeForm,
} from './clinic-settings.forms.js';

type Body = Record<string, string | undefined>;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
/** Fields of the room and type rows: many forms share these names, so their messages are listed on top. */
const ROW_FIELDS = ['id', 'name', 'active', 'durationMinutes', 'colour'];

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
    return this.handle(res, body, () =>
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
    return this.handle(res, body, () =>
      this.settings.addLocalClosure(parseInput(ClosureForm, body)),
    );
  }

  @Post('closures/:id/delete')
  removeClosure(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    return this.handle(res, body, () => this.settings.removeClosure(id));
  }

  @Post('rooms')
  room(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, () => this.settings.saveRoom(parseInput(RoomForm, body)));
  }

  @Post('types')
  type(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, () => this.settings.saveType(parseInput(TypeForm, body)));
  }

  @Post('staff')
  staff(@Res() res: Response, @Body() body: Record<string, string | string[] | undefined>) {
    const ids = ([] as string[]).concat(body.bookable ?? []).filter(isUuid);
    return this.handle(res, {}, () => this.settings.setBookableStaff(ids));
  }

  private async handle(res: Response, body: Body, save: () => Promise<unknown>) {
    try {
      await save();
      res.redirect(303, `/c/${currentTenant().slug}/settings?saved=1`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, error.status, { error, values: body });
    }
  }

  private async render(
    res: Response,
    status: number,
    extra: { saved?: string | null; error?: FormErrors; values?: Body },
  ) {
    const data = await this.settings.load();
    const fields = extra.error?.fields ?? {};
    const values = extra.values ?? {};
    const byDay = WEEKDAYS.map((weekday) => {
      const intervals = data.hours.filter((h) => h.weekday === weekday);
      return {
        weekday,
        first: intervals[0] ?? null,
        second: intervals[1] ?? null,
        firstError: fields[`d${weekday}_1`],
        secondError: fields[`d${weekday}_2`],
      };
    });
    const option = (id: string, label: string, selected?: string) => ({
      value: id,
      label,
      selected: id === selected,
    });
    const staff = data.staff.filter((s) => s.active);
    res.status(status).render('clinic/settings', {
      ...extra,
      timeZone: currentTenant().timeZone,
      days: byDay,
      closures: data.closures.map((c) => ({
        ...c,
        staffName: data.staff.find((s) => s.id === c.staffId)?.name,
        roomName: data.rooms.find((r) => r.id === c.roomId)?.name,
      })),
      rowErrors: ROW_FIELDS.filter((f) => fields[f]).map((f) => fields[f]),
      closureStaff: staff.map((s) => option(s.id, s.name, values.staffId)),
      closureRooms: data.rooms.map((r) => option(r.id, r.name, values.roomId)),
      rooms: data.rooms,
      types: data.types,
      staff,
    });
  }
}
