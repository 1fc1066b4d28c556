import { Module } from '@nestjs/common';
import { AppointmentModule } from '../appointment/appointment.module.js';
import { ExportModule } from '../export/export.module.js';
import { PetModule } from '../pet/pet.module.js';
import { HoldSweeper } from './hold-sweeper.js';
import { OnlineBookingController } from './online-booking.controller.js';
import { OnlineBookingExport } from './online-booking-export.js';
import { OnlineBookingMail } from './online-booking.mail.js';
import { OnlineBookingService } from './online-booking.service.js';

/** Owners book on the clinic's public page (`/book/<clinic>`). */
@Module({
  imports: [AppointmentModule, PetModule, ExportModule],
  providers: [OnlineBookingService, OnlineBookingMail, HoldSweeper, OnlineBookingExport],
  controllers: [OnlineBookingController],
  exports: [OnlineBookingService, HoldSweeper],
})
export class OnlineBookingModule {}
