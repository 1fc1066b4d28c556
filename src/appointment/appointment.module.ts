import { Module } from '@nestjs/common';
import { ClinicModule } from '../clinic/clinic.module.js';
import { PetModule } from '../pet/pet.module.js';
import { AppointmentController } from './appointment.controller.js';
import { AppointmentEvents } from './appointment.events.js';
import { AppointmentGateway } from './appointment.gateway.js';
import { AppointmentService } from './appointment.service.js';
import { BookingDefaults } from './booking-defaults.js';
import { BookingPanelController } from './booking-panel.controller.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarService } from './calendar.service.js';
import { PetPicker } from './pet-picker.js';
import { TodayBoardController } from './today-board.controller.js';
import { TodayBoardService } from './today-board.service.js';

/** Booking, the calendar and its live gateway. */
@Module({
  imports: [ClinicModule, PetModule],
  providers: [
    AppointmentService,
    CalendarService,
    AppointmentEvents,
    AppointmentGateway,
    PetPicker,
    BookingDefaults,
    TodayBoardService,
  ],
  controllers: [
    CalendarController,
    BookingPanelController,
    TodayBoardController,
    AppointmentController,
  ],
  exports: [AppointmentService, CalendarService, AppointmentEvents],
})
export class AppointmentModule {}
