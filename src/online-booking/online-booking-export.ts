import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExportRegistry } from '../export/export-registry.js';
import { tableSource } from '../export/export-source.js';

/** Online booking requests go into the clinic's export (never the token, only its hash). */
@Injectable()
export class OnlineBookingExport implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit() {
    this.registry.register(
      tableSource({
        name: 'online_bookings',
        columns: [
          'id',
          'appointment_id',
          'email',
          'locale',
          'status',
          'hold_expires_at',
          'confirmed_at',
          'created_at',
        ],
      }),
    );
  }
}
