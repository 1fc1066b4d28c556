import { Body, Controller, Get, Param, Query, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { decimalInput, parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { RECORD_FINALISERS, RECORD_WRITERS, SUMMARY_READERS } from './record-access.js';
import { RecordViews } from './record-views.service.js';
import { RecordService } from './record.service.js';
import { addendumSchema, recordFormSchema, vaccinationSchema } from './record.schemas.js';
import { VaccinationService } from './vaccination.service.js';
import { pageLocale } from '../web/page-locale.js';

/** The record form's weight unit choice; a new record weighs in kg. */
function weightUnits(values: unknown) {
  const unit = (values as { weightUnit?: unknown } | undefined)?.weightUnit ?? 'kg';
  return ['kg', 'lb'].map((u) => ({ value: u, label: u, selected: u === unit }));
}

/** One form of a page: what was typed, and what was wrong with it. */
interface FormState {
  values?: unknown;
  error?: FormErrors;
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
    const form = appointmentId ? { recordForm: { values: { appointmentId } } } : {};
    await this.renderPetRecords(res, petId, 200, form);
  }

  @Post('pets/:petId/records')
  @ClinicRoles(...RECORD_WRITERS)
  async create(@Param('petId') petId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      const id = await this.records.create(petId, parseInput(recordFormSchema, body));
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${id}`);
    } catch (err) {
      const error = formErrors(err);
      await this.renderPetRecords(res, petId, error.status, {
        recordForm: { values: body, error },
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
      const error = formErrors(err);
      await this.renderPetRecords(res, petId, error.status, {
        vaccinationForm: { values: body, error },
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
      const error = formErrors(err);
      await this.renderRecord(res, recordId, error.status, { form: { values: body, error } });
    }
  }

  @Post('records/:recordId/finalise')
  @ClinicRoles(...RECORD_FINALISERS)
  async finalise(@Param('recordId') recordId: string, @Res() res: Response) {
    try {
      await this.records.finalise(recordId);
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}`);
    } catch (err) {
      const error = formErrors(err);
      await this.renderRecord(res, recordId, error.status, { form: { error } });
    }
  }

  @Post('records/:recordId/addenda')
  @ClinicRoles(...RECORD_WRITERS)
  async addendum(@Param('recordId') recordId: string, @Body() body: unknown, @Res() res: Response) {
    try {
      await this.records.addAddendum(recordId, parseInput(addendumSchema, body).body);
      res.redirect(303, `/c/${res.locals.clinic.slug}/records/${recordId}#addenda`);
    } catch (err) {
      const error = formErrors(err);
      await this.renderRecord(res, recordId, error.status, {
        addendumForm: { values: body, error },
      });
    }
  }

  private async renderPetRecords(
    res: Response,
    petId: string,
    status: number,
    forms: { recordForm?: FormState; vaccinationForm?: FormState },
  ) {
    const section = await this.views.petRecordsSection(petId, pageLocale(res));
    // The new record may belong to one of the pet's appointments.
    const appointments = section.canWrite ? await this.records.appointmentsForPet(petId) : [];
    res.status(status).render('record/pet-records', {
      title: section.pet.name,
      section,
      appointments,
      weightUnits: weightUnits(forms.recordForm?.values),
      ...forms,
    });
  }

  private async renderRecord(
    res: Response,
    recordId: string,
    status: number,
    forms: { form?: FormState; addendumForm?: FormState },
  ) {
    const page = await this.views.recordPage(recordId);
    const r = page.record as unknown as Record<string, unknown>;
    // The saved draft's numbers as the page's language writes them (38,5 in Spanish).
    const locale = pageLocale(res);
    const values = forms.form?.values ?? {
      ...r,
      weightValue: decimalInput(locale, r.weightValue),
      temperatureC: decimalInput(locale, r.temperatureC),
      weightUnit: r.weightUnit ?? 'kg',
    };
    res.status(status).render('record/record', {
      title: page.record.summary,
      ...page,
      form: { ...forms.form, values },
      weightUnits: weightUnits(values),
      addendumForm: forms.addendumForm ?? { values: {} },
    });
  }
}
