import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { AppointmentView } from './appointment.queries.js';

export type AppointmentEventType = 'created' | 'updated' | 'moved' | 'cancelled' | 'status';

export interface AppointmentEvent {
  type: AppointmentEventType;
  tenantId: string;
  appointment: AppointmentView;
}

/**
 * Domain events of committed appointment changes. Services publish only after their
 * transaction committed; the gateway relays them to the tenant's sockets.
 */
@Injectable()
export class AppointmentEvents {
  private readonly emitter = new EventEmitter();

  publish(event: AppointmentEvent): void {
    this.emitter.emit('appointment', event);
  }

  subscribe(listener: (event: AppointmentEvent) => void): () => void {
    this.emitter.on('appointment', listener);
    return () => this.emitter.off('appointment', listener);
  }
}
