import { AppointmentHistory } from '../appointment/appointment-history.js';
import { RecordViews } from '../record/record-views.service.js';
import { Body, Controller, Get, Param, Post, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ResponseCache } from '../cache/response-cache.js';
import { parseInput } from '../common/validation.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { clinicRead } from '../web/cached-page.js';
import { formErrors } from '../web/form-errors.js';
import { PetInput } from './pet.inputs.js';
import { PetService } from './pet.service.js';
import {
  ageOf,
  nextVaccinationDue,
  calendarDate,
  petFormInput,
  petFormValues,
  petSelects,
  postedValues,
} from './pet.view-models.js';
import { pageLocale } from '../web/page-locale.js';

/** A pet's page (owner, alerts, and the region where medical records will go) and its edit form. */
@Controller('c/:clinicSlug/pets')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class PetController {
  constructor(
    private readonly pets: PetService,
    private readonly records: RecordViews,
    private readonly responses: ResponseCache,
    private readonly history: AppointmentHistory,
  ) {}

  @Get(':petId')
  @Render('pet/pet')
  show(@Param('petId') petId: string, @Res({ passthrough: true }) res: Response) {
    // The view model, not the HTML: the page's record forms carry the user's CSRF token.
    return this.responses.read(
      clinicRead(res, { view: 'pet', params: { petId }, byRole: true }),
      () => this.petPage(petId, res),
    );
  }

  private async petPage(petId: string, res: Response) {
    const pet = await this.pets.get(petId);
    const records = await this.records.petRecordsSection(petId, pageLocale(res));
    const alerts = (pet.alerts ?? '')
      .split(/[\n;,]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    const dates = {
      dateOfBirth: calendarDate(pet.dateOfBirth),
      deceasedOn: calendarDate(pet.deceasedOn),
    };
    const history = await this.history.of({ petId });
    return {
      title: pet.name,
      ...{ pet, alerts, dates, age: ageOf(pet.dateOfBirth), records, history },
      nextVaccinationDue: nextVaccinationDue(records.vaccinations),
    };
  }

  @Get(':petId/edit')
  @Render('pet/pet-form')
  async edit(@Param('petId') petId: string, @Res({ passthrough: true }) res: Response) {
    const pet = await this.pets.get(petId);
    const form = petFormValues(pet, pageLocale(res));
    return { isNew: false, pet, client: pet.owner, form, ...petSelects(form) };
  }

  @Post(':petId')
  async update(@Param('petId') petId: string, @Body() body: unknown, @Res() res: Response) {
    const form = postedValues(body);
    try {
      await this.pets.update(petId, parseInput(PetInput, petFormInput(form)));
      res.redirect(303, `/c/${currentTenant().slug}/pets/${petId}`);
    } catch (err) {
      const error = formErrors(err);
      const pet = await this.pets.get(petId);
      res.status(error.status).render('pet/pet-form', {
        isNew: false,
        pet,
        client: pet.owner,
        form,
        error,
        ...petSelects(form),
      });
    }
  }
}
