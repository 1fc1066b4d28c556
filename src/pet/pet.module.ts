import { Module } from '@nestjs/common';
import { ClientController } from './client.controller.js';
import { ClientService } from './client.service.js';

/** Clients (owners) and their pets. */
@Module({ providers: [ClientService], controllers: [ClientController], exports: [ClientService] })
export class PetModule {}
