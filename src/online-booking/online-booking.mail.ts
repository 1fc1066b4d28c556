import { Injectable } from '@nestjs/common';
import type { TenantTx } from '../database/tenant-db.js';
import { MessageLinks } from '../message/message-links.js';
import { OwnerMessages } from '../message/owner-messages.service.js';

/**
 * The owner's emails about an online request, through the owner-message queue: the
 * verification link, and the confirmation once it was clicked. Enqueued in the request's own
 * transaction, so a refused or rolled-back booking sends nothing.
 */
@Injectable()
export class OnlineBookingMail {
  constructor(
    private readonly messages: OwnerMessages,
    private readonly links: MessageLinks,
  ) {}

  /** To the address typed in (no client is matched before the owner proves it is theirs). */
  async verification(
    tx: TenantTx,
    message: {
      bookingId: string;
      appointmentId: string;
      email: string;
      name: string;
      locale: 'en' | 'es';
      token: string;
    },
  ): Promise<void> {
    await this.messages.enqueue(tx, {
      kind: 'booking_verification',
      to: message.email,
      name: message.name,
      locale: message.locale,
      link: this.links.absolute(
        `/book/${tx.tenant.slug}/confirm/${message.token}?lang=${message.locale}`,
      ),
      key: message.bookingId,
      appointmentId: message.appointmentId,
      clientId: null,
    });
  }

  /** The usual booking confirmation (and its reminder), to the client it is now booked for. */
  async confirmation(tx: TenantTx, message: { appointmentId: string }): Promise<void> {
    await this.messages.enqueue(tx, {
      kind: 'booking_confirmation',
      appointmentId: message.appointmentId,
    });
  }
}
