import { AppointmentHistory } from '../appointment/appointment-history.js';
import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Render,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { MAX_PAGE, parseInput } from '../common/validation.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { wantsJson } from '../web/exception.filter.js';
import { formErrors } from '../web/form-errors.js';
import { VaccinationService } from '../record/vaccination.service.js';
import { ClientService } from './client.service.js';
import { ClientInput, PetInput, QuickCreateInput } from './pet.inputs.js';
import { PetService } from './pet.service.js';
import {
  calendarDate,
  clientFormInput,
  clientFormValues,
  type FormValues,
  nextVaccinationDue,
  petFormInput,
  petSelects,
  postedValues,
} from './pet.view-models.js';

const PAGE_SIZE = 50;

/** Client pages: list, create, edit, and a client's new pet (POST-redirect-GET). */
@Controller('c/:clinicSlug/clients')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class ClientController {
  constructor(
    private readonly clients: ClientService,
    private readonly pets: PetService,
    private readonly history: AppointmentHistory,
    private readonly vaccinations: VaccinationService,
  ) {}

  @Get()
  @Render('pet/clients')
  async list(@Query('page') pageParam?: string) {
    const page = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(pageParam ?? '1', 10) || 1));
    const [clients, counts] = await Promise.all([
      this.clients.list({ page, pageSize: PAGE_SIZE }),
      this.clients.counts(),
    ]);
    const pages = Math.max(1, Math.ceil(counts.clients / PAGE_SIZE));
    return {
      clients,
      total: counts.clients,
      page,
      pages,
      prev: page > 1 ? page - 1 : null,
      next: page < pages ? page + 1 : null,
    };
  }

  @Get('new')
  @Render('pet/client-form')
  newClient() {
    return { isNew: true, form: {} };
  }

  @Post()
  async create(@Body() body: unknown, @Res() res: Response) {
    const form = postedValues(body);
    try {
      const client = await this.clients.create(parseInput(ClientInput, clientFormInput(form)));
      res.redirect(303, `/c/${currentTenant().slug}/clients/${client.id}`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('pet/client-form', { isNew: true, form, error });
    }
  }

  /**
   * The booking form's "new client and pet". A form post redirects to `next` (a path in
   * this clinic) or the pet page with `clientId` and `petId`; `Accept: application/json`
   * gets 201 `{ clientId, petId }` or 400 `{ error: { code, message, fields } }`.
   */
  @Post('quick')
  async quickCreate(@Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    const form = postedValues(body);
    const json = wantsJson(req);
    try {
      const input = parseInput(QuickCreateInput, json ? (body ?? {}) : form);
      const { client, pet } = await this.clients.quickCreate(input);
      if (json) return void res.status(201).json({ clientId: client.id, petId: pet.id });
      const slug = currentTenant().slug;
      const next = typeof form.next === 'string' ? form.next : '';
      const target = next.startsWith(`/c/${slug}/`) ? next : `/c/${slug}/pets/${pet.id}`;
      const sep = target.includes('?') ? '&' : '?';
      res.redirect(303, `${target}${sep}clientId=${client.id}&petId=${pet.id}`);
    } catch (err) {
      if (json) throw err;
      const error = formErrors(err);
      res.status(error.status).render('pet/quick-create', { form, error, ...quickSelects(form) });
    }
  }

  @Get('quick')
  @Render('pet/quick-create')
  quickForm(@Query('next') next?: string) {
    const form = { next: next ?? '' };
    return { form, ...quickSelects(form) };
  }

  @Get(':clientId')
  @Render('pet/client')
  async show(@Param('clientId') clientId: string) {
    const client = await this.clients.get(clientId);
    const [history, doses] = await Promise.all([
      this.history.of({ clientId }),
      this.vaccinations.listForClient(clientId),
    ]);
    const pets = client.pets.map((p) => ({
      ...p,
      born: calendarDate(p.dateOfBirth),
      nextVaccinationDue: p.deceasedOn
        ? null
        : nextVaccinationDue(doses.filter((d) => d.petId === p.id)),
    }));
    return { title: `${client.firstName} ${client.lastName}`, client, pets, history };
  }

  @Get(':clientId/edit')
  @Render('pet/client-form')
  async edit(@Param('clientId') clientId: string) {
    const client = await this.clients.get(clientId);
    return { isNew: false, clientId, form: clientFormValues(client) };
  }

  @Post(':clientId')
  async update(@Param('clientId') clientId: string, @Body() body: unknown, @Res() res: Response) {
    const form = postedValues(body);
    try {
      await this.clients.update(clientId, parseInput(ClientInput, clientFormInput(form)));
      res.redirect(303, `/c/${currentTenant().slug}/clients/${clientId}`);
    } catch (err) {
      const error = formErrors(err);
      res.status(error.status).render('pet/client-form', { isNew: false, clientId, form, error });
    }
  }

  @Get(':clientId/pets/new')
  @Render('pet/pet-form')
  async newPet(@Param('clientId') clientId: string) {
    const client = await this.clients.get(clientId);
    const form: FormValues = {};
    return { isNew: true, client, form, ...petSelects(form) };
  }

  @Post(':clientId/pets')
  async createPet(
    @Param('clientId') clientId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const form = postedValues(body);
    try {
      const pet = await this.pets.create(clientId, parseInput(PetInput, petFormInput(form)));
      res.redirect(303, `/c/${currentTenant().slug}/pets/${pet.id}`);
    } catch (err) {
      const error = formErrors(err);
      const client = await this.clients.get(clientId);
      res
        .status(error.status)
        .render('pet/pet-form', { isNew: true, client, form, error, ...petSelects(form) });
    }
  }
}

function quickSelects(form: FormValues) {
  const { speciesOptions, sexOptions } = petSelects({
    species: form.petSpecies ?? '',
    sex: form.petSex ?? '',
  });
  return { speciesOptions, sexOptions };
}
