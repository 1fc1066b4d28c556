import { Body, Controller, Get, Param, Query, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import { isLocale, type Locale } from '../i18n/i18n.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { RECORD_FINALISERS, RECORD_WRITERS, SUMMARY_READERS } from './record-access.js';
import { RecordViews } from './record-views.service.js';
import { RecordService } from './record.service.js';
import { addendumSchema, recordFormSchema, vaccinationSchema } from './record.schemas.js';
import { VaccinationService } from './vaccination.service.js';

function localeOf(res: Response): Locale {
  return isLocale(res.locals.locale) ? res.locals.locale : 'en';
}

/** Form errors re-render the page with the user's input; other errors go to the filter. */
function formError(err: unknown): { status: number; fields: Record<string, string>; code: string } {
  if (err instanceof ValidationFailed) return { status: 400, fields: err.fields, code: err.code };
  if (err instanceof AppError && err.status === 409)
    return { status: 409, fields: {}, code: err.code };
  throw err;
}

@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...SUMMARY_READERS)
export class RecordController {
  constructor(
    private readonly records: RecordService,
    private readonly vaccinations: VaccinationService,
    private readonly views: RecordViews,
  ) {}

  @Get('pets/:petId/records')
  async petRecords(
    @Param('petId') petId: string,
    @Res() res: Response,
    @Query('appointmentId') appointmentId?: string,
  ) {
    // Opened from an appointment: the new record is linked to it.
    const form = appointmentId ? { recordForm: { values: { appointmentId }, errors: {} } } : {};
    await this.renderPetRecords(res, petId, 200, form);
  }

  @Post('pets/:petId/records')
  @ClinicRoles(...RECORD_WRITERS)
  async create(@Param('petId') petId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      const id = await this.records.create(petId, parseInput(recordFormSchema, body));
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${id}`);
    } catch (err) {
      const e = formError(err);
      await this.renderPetRecords(res, petId, e.status, {
        recordForm: { values: body, errors: e.fields },
      });
    }
  }

  @Post('pets/:petId/vaccinations')
  @ClinicRoles(...RECORD_WRITERS)
  async vaccinate(@Param('petId') petId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      await this.vaccinations.add(petId, parseInput(vaccinationSchema, body));
      res.redirect(303, `/c/${res.locals.clinic.slug}/pets/${petId}/records#vaccinations`);
    } catch (err) {
      const e = formError(err);
      await this.renderPetRecords(res, petId, e.status, {
        vaccinationForm: { values: body, errors: e.fields },
      });
    }
  }

  @Get('vaccinations/due')
  async due(@Res() res: Response) {
    const due = await this.vaccinations.dueSoon(30);
    res.render('record/vaccinations-due', { title: 'Vaccinations due', due });
  }

  @Get('records/:recordId')
  async show(@Param('recordId') recordId: string, @Res() res: Response) {
    await this.renderRecord(res, recordId, 200, {});
  }

  @Post('records/:recordId')
  @ClinicRoles(...RECORD_WRITERS)
  async update(@Param('recordId') recordId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      await this.records.update(recordId, parseInput(recordFormSchema, body));
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}`);
    } catch (err) {
      const e = formError(err);
      await this.renderRecord(res, recordId, e.status, {
        form: { values: body, errors: e.fields, code: e.code },
      });
    }
  }

  @Post('records/:recordId/finalise')
  @ClinicRoles(...RECORD_FINALISERS)
  async finalise(@Param('recordId') recordId: string, @Res() res: Response) {
    try {
      await this.records.finalise(recordId);
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}`);
    } catch (err) {
      const e = formError(err);
      await this.renderRecord(res, recordId, e.status, { form: { errors: {}, code: e.code } });
    }
  }

  @Post('records/:recordId/addenda')
  @ClinicRoles(...RECORD_WRITERS)
  async addendum(@Param('recordId') recordId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      await this.records.addAddendum(recordId, parseInput(addendumSchema, body).body);
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}#addenda`);
    } catch (err) {
      const e = formError(err);
      await this.renderRecord(res, recordId, e.status, {
        addendumForm: { values: body, errors: e.fields, code: e.code },
      });
    }
  }

  private async renderPetRecords(res: Response, petId: string, status: number, extra: object) {
    const section = await this.views.petRecordsSection(petId, localeOf(res));
    // The new record may belong to one of the pet's appointments.
    const appointments = section.canWrite ? await this.records.appointmentsForPet(petId) : [];
    res
      .status(status)
      .render('record/pet-records', { title: section.pet.name, section, appointments, ...extra });
  }

  private async renderRecord(res: Response, recordId: string, status: number, extra: object) {
    const page = await this.views.recordPage(recordId);
    const r = page.record as unknown as Record<string, unknown>;
    const values = (extra as { form?: { values?: unknown } }).form?.values ?? {
      ...r,
      weightUnit: r.weightUnit ?? 'kg',
    };
    res.status(status).render('record/record', {
      title: page.record.summary,
      ...page,
      form: { values, errors: {}, ...(extra as { form?: object }).form },
      addendumForm: (extra as { addendumForm?: object }).addendumForm ?? { values: {}, errors: {} },
    });
  }
}
