import { Injectable } from '@nestjs/common';
import type { TenantTx } from '../database/tenant-db.js';

/**
 * The owner's emails about an online request: the verification link, and the confirmation
 * once it was clicked. Enqueued in the request's own transaction, so a refused or rolled-back
 * booking sends nothing.
 */
@Injectable()
export class OnlineBookingMail {
  // Until the mail queue lands (branch `mail`), nothing is enqueued.
  async verification(
    _tx: TenantTx,
    _message: {
      bookingId: string;
      appointmentId: string;
      email: string;
      locale: 'en' | 'es';
      token: string;
    },
  ): Promise<void> {}

  async confirmation(
    _tx: TenantTx,
    _message: { bookingId: string; appointmentId: string },
  ): Promise<void> {}
}
