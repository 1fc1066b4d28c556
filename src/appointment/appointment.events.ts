import { Injectable } from '@nestjs/common';
import { EventChannel } from '../common/event-channel.js';
import type { AppointmentView } from './appointment.queries.js';

export type AppointmentEventType = 'created' | 'updated' | 'moved' | 'cancelled' | 'status';

export interface AppointmentEvent {
  type: AppointmentEventType;
  tenantId: string;
  /** The clinic's live-event number, across all app processes (see live-sequences.ts). */
  seq: number;
  appointment: AppointmentView;
}

/**
 * Domain events of committed appointment changes. Services publish only after their
 * transaction committed; the gateway relays them to the tenant's sockets.
 */
@Injectable()
export class AppointmentEvents extends EventChannel<AppointmentEvent> {}
