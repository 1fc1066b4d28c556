import { Module } from '@nestjs/common';
import { PetModule } from '../pet/pet.module.js';
import { ApiAuthModule } from './api-auth.module.js';
import { ClientsApiController } from './clients-api.controller.js';
import { PetsApiController } from './pets-api.controller.js';

/** The JSON API under /api/v1 for clients and pets (documented at /api/docs). */
@Module({
  imports: [ApiAuthModule, PetModule],
  controllers: [ClientsApiController, PetsApiController],
})
export class ApiModule {}
