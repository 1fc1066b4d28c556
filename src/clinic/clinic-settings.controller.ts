import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors, formValues } from '../web/form-errors.js';
import { ClinicSettingsService } from './clinic-settings.service.js';
import {
  ClosureForm,
  ColumnMoveForm,
  parseHours,
  RoomForm,
  TimeZoneForm,
  TypeForm,
} from './clinic-settings.forms.js';
import {
  SETTINGS_SECTIONS,
  type SettingsSection,
  settingsViewModel,
} from './clinic-settings.view-model.js';

type Body = Record<string, string | undefined>;

/**
 * Managers edit the clinic's time zone and hours, closures, rooms, types and who takes
 * appointments, one section per page (`/settings` is the first, hours).
 */
@Controller('c/:clinicSlug/settings')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager', 'company_admin')
export class ClinicSettingsController {
  constructor(private readonly settings: ClinicSettingsService) {}

  @Get()
  show(@Res() res: Response, @Query('saved') saved?: string) {
    return this.render(res, 'hours', 200, { saved });
  }

  @Get([...SETTINGS_SECTIONS])
  section(@Req() req: Request, @Res() res: Response, @Query('saved') saved?: string) {
    const section = req.path.split('/').pop() as SettingsSection;
    return this.render(res, section, 200, { saved });
  }

  @Post('time-zone')
  save(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'hours', body, () =>
      this.settings.setTimeZone(parseInput(TimeZoneForm, body).timeZone),
    );
  }

  @Post('hours')
  hours(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'hours', body, async () => {
      const { hours, fields } = parseHours(body);
      if (Object.keys(fields).length) throw new ValidationFailed(fields);
      await this.settings.replaceHours(hours);
    });
  }

  @Post('closures')
  closure(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'closures', body, () =>
      this.settings.addLocalClosure(parseInput(ClosureForm, body)),
    );
  }

  @Post('closures/:id/delete')
  removeClosure(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    return this.handle(res, 'closures', body, () => this.settings.removeClosure(id));
  }

  @Post('rooms')
  room(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'rooms', body, () =>
      this.settings.saveRoom(parseInput(RoomForm, body)),
    );
  }

  @Post('types')
  type(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'types', body, () =>
      this.settings.saveType(parseInput(TypeForm, body)),
    );
  }

  @Post('staff')
  staff(@Res() res: Response, @Body() body: Record<string, string | string[] | undefined>) {
    const ids = ([] as string[]).concat(body.bookable ?? []).filter(isUuid);
    return this.handle(res, 'staff', {}, () => this.settings.setBookableStaff(ids));
  }

  @Post('online')
  online(@Res() res: Response, @Body() body: Record<string, string | string[] | undefined>) {
    const ids = (field: string) =>
      ([] as (string | undefined)[]).concat(body[field]).filter(isUuid);
    return this.handle(res, 'online', {}, () =>
      this.settings.setOnlineBooking({
        enabled: body.enabled === 'on',
        typeIds: ids('types'),
        staffIds: ids('staff'),
      }),
    );
  }

  @Post('staff/order')
  columnOrder(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, 'staff', {}, () =>
      this.settings.moveCalendarColumn(parseInput(ColumnMoveForm, body)),
    );
  }

  private async handle(
    res: Response,
    section: SettingsSection,
    body: Body,
    save: () => Promise<unknown>,
  ) {
    try {
      await save();
      res.redirect(303, `/c/${currentTenant().slug}/settings/${section}?saved=1`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, section, error.status, { error, values: formValues(body) });
    }
  }

  private async render(
    res: Response,
    section: SettingsSection,
    status: number,
    extra: { saved?: string; error?: FormErrors; values?: Body },
  ) {
    const data = await this.settings.load();
    const timeZone = currentTenant().timeZone;
    res
      .status(status)
      .render('clinic/settings', settingsViewModel({ section, data, timeZone, ...extra }));
  }
}
