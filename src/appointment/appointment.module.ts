import { Module } from '@nestjs/common';

/**
 * Booking, the calendar and its live gateway (the front-desk issue). The schema's
 * btree_gist extension is already installed for its exclusion constraints.
 */
@Module({})
export class AppointmentModule {}
