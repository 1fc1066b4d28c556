import { Module } from '@nestjs/common';
import { PetModule } from '../pet/pet.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { ClinicController } from './clinic.controller.js';
import { ClinicSettingsController } from './clinic-settings.controller.js';
import { ClinicSettingsService } from './clinic-settings.service.js';

/** The clinic's own pages and settings: profile, hours, closures, rooms, appointment types. */
@Module({
  imports: [StaffModule, PetModule],
  providers: [ClinicSettingsService],
  controllers: [ClinicController, ClinicSettingsController],
  exports: [ClinicSettingsService],
})
export class ClinicModule {}
