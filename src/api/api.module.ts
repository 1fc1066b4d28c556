import { Module } from '@nestjs/common';
import { AppointmentModule } from '../appointment/appointment.module.js';
import { PetModule } from '../pet/pet.module.js';
import { AppointmentsApiController } from './appointments-api.controller.js';
import { BillingModule } from '../billing/billing.module.js';
import {
  ChargesApiController,
  InvoicesApiController,
  PaymentsApiController,
} from './billing-api.controllers.js';
import { ApiAuthModule } from './api-auth.module.js';
import { ClientsApiController } from './clients-api.controller.js';
import { PetsApiController } from './pets-api.controller.js';

/** The JSON API under /api/v1 for clients, pets, appointments and billing (documented at /api/docs). */
@Module({
  imports: [ApiAuthModule, PetModule, AppointmentModule, BillingModule],
  controllers: [
    ClientsApiController,
    PetsApiController,
    AppointmentsApiController,
    InvoicesApiController,
    PaymentsApiController,
    ChargesApiController,
  ],
})
export class ApiModule {}
