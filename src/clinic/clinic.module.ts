import { Module } from '@nestjs/common';
import { PetModule } from '../pet/pet.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { ClinicController } from './clinic.controller.js';

/** The clinic's own pages: its home today; profile, hours, rooms and types come with scheduling. */
@Module({ imports: [StaffModule, PetModule], controllers: [ClinicController] })
export class ClinicModule {}
