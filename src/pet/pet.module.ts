import { AppointmentHistoryModule } from '../appointment/appointment-history.js';
import { Module } from '@nestjs/common';
import { RecordModule } from '../record/record.module.js';
import { ClientController } from './client.controller.js';
import { ClientService } from './client.service.js';
import { PetController } from './pet.controller.js';
import { PetService } from './pet.service.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** Clients (owners) and their pets, and the one search box that finds them. */
@Module({
  imports: [RecordModule, AppointmentHistoryModule],
  providers: [ClientService, PetService, SearchService],
  controllers: [SearchController, ClientController, PetController],
  exports: [ClientService, PetService, SearchService],
})
export class PetModule {}
