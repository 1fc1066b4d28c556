import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { type TenantTx, writeWithCommit } from '../database/tenant-db.js';
import type { Locale } from '../i18n/i18n.js';
import {
  type AppointmentNotice,
  MessageQueries,
  type NewMessage,
  type QueuedSkip,
} from './message.queries.js';

/** A message to queue, named by what happened. */
export type MessageRequest =
  | {
      kind: 'booking_confirmation' | 'booking_change' | 'booking_cancellation';
      appointmentId: string;
    }
  | { kind: 'vaccination_due'; vaccinationId: string }
  | {
      /** The online booking's "confirm your email" link (no client may exist yet). */
      kind: 'booking_verification';
      to: string;
      name?: string | null;
      locale?: Locale | null;
      /** Absolute URL of the verification link. */
      link: string;
      /** Makes the message once-only per key (e.g. the hold's id); one message per call without. */
      key: string;
      appointmentId?: string | null;
      clientId?: string | null;
    };

/**
 * The door other modules use to message pet owners. `enqueue` writes the message rows in
 * the caller's transaction (so a rolled-back change sends nothing and a committed one
 * always does); each row's purpose key makes it once-only (`reminder:<appointment>:<starts
 * at>`). Whether it is still worth sending (not cancelled, not moved, not past, not
 * unsubscribed) is decided again when it is sent (MessageDelivery).
 */
@Injectable()
export class OwnerMessages {
  /** Queues the message(s) a change causes; answers the ids of the rows it added. */
  async enqueue(tx: TenantTx, request: MessageRequest): Promise<string[]> {
    switch (request.kind) {
      case 'booking_confirmation':
      case 'booking_change':
      case 'booking_cancellation':
        return this.aboutAppointment(tx, request.kind, request.appointmentId);
      case 'vaccination_due':
        return this.recalls(tx, request.vaccinationId);
      case 'booking_verification':
        return this.insert(tx, {
          kind: 'booking_verification',
          purposeKey: `verification:${request.key}`,
          clientId: request.clientId ?? null,
          appointmentId: request.appointmentId ?? null,
          vaccinationId: null,
          toAddress: request.to,
          toName: request.name ?? null,
          locale: request.locale ?? null,
          data: { link: request.link },
          sendAt: new Date(),
        });
    }
  }

  /** Two statements whatever the kind: what the notice is built from, then its writes. */
  private async aboutAppointment(
    tx: TenantTx,
    kind: 'booking_confirmation' | 'booking_change' | 'booking_cancellation',
    appointmentId: string,
  ): Promise<string[]> {
    const notice = await MessageQueries.appointmentNotice(tx, appointmentId, {
      told: kind === 'booking_cancellation',
    });
    if (!notice) return [];
    return MessageQueries.skipAndInsert(tx, appointmentMessages(kind, appointmentId, notice));
  }

  /**
   * The confirmation (and reminder) of an appointment this unit of work just booked, from
   * what the booking read: nothing of it is queued yet, and nothing waits on its rows, so
   * they go with the COMMIT where the unit of work commits itself (TenantTx.defer).
   */
  async confirmBooked(
    tx: TenantTx,
    appointmentId: string,
    notice: Omit<AppointmentNotice, 'ownerWasTold'>,
  ): Promise<void> {
    const { messages } = appointmentMessages('booking_confirmation', appointmentId, {
      ...notice,
      ownerWasTold: false,
    });
    const statement = MessageQueries.skipAndInsertStatement(tx, { messages });
    if (statement) await writeWithCommit(tx, statement.sql, statement.params);
  }

  /** The first recall N days before the booster is due, the second M days before (clinic settings). */
  private async recalls(tx: TenantTx, vaccinationId: string): Promise<string[]> {
    const vaccination = await MessageQueries.vaccination(tx, vaccinationId);
    const clinic = await MessageQueries.clinic(tx);
    if (!vaccination?.nextDueOn || !clinic) return [];
    // At nine in the morning, clinic time.
    const on = (daysBefore: number) =>
      DateTime.fromISO(vaccination.nextDueOn!, { zone: clinic.timeZone })
        .minus({ days: daysBefore })
        .set({ hour: 9 })
        .toJSDate();
    const now = Date.now();
    const first = on(clinic.recallDaysBefore);
    const second = on(clinic.recallSecondDaysBefore);
    const due = on(0);
    const base = {
      clientId: vaccination.clientId,
      appointmentId: null,
      vaccinationId,
      toAddress: null,
      toName: null,
      locale: null,
      data: { nextDueOn: vaccination.nextDueOn },
    };
    const ids: string[] = [];
    // A booster due sooner than the first recall's lead: the first goes now, if before the second.
    if (due.getTime() > now && second.getTime() > now)
      ids.push(
        ...(await this.insert(tx, {
          ...base,
          kind: 'vaccination_recall',
          purposeKey: `recall:${vaccinationId}:1`,
          sendAt: new Date(Math.max(first.getTime(), now)),
        })),
      );
    if (second.getTime() > now && second.getTime() > first.getTime())
      ids.push(
        ...(await this.insert(tx, {
          ...base,
          kind: 'vaccination_recall_second',
          purposeKey: `recall:${vaccinationId}:2`,
          sendAt: second,
        })),
      );
    return ids;
  }

  private async insert(tx: TenantTx, message: NewMessage): Promise<string[]> {
    const id = await MessageQueries.insert(tx, message);
    return id ? [id] : [];
  }
}

/** What a change of an appointment does to its owner's messages: the queued ones it makes moot, the ones it adds. */
function appointmentMessages(
  kind: 'booking_confirmation' | 'booking_change' | 'booking_cancellation',
  appointmentId: string,
  appointment: AppointmentNotice,
): { skip: QueuedSkip; messages: NewMessage[] } {
  const cancelled = kind === 'booking_cancellation';
  const base = {
    clientId: appointment.clientId,
    appointmentId,
    vaccinationId: null,
    toAddress: null,
    toName: null,
    locale: null,
    data: { startsAt: appointment.startsAt.toISOString(), version: appointment.version },
  };
  const reminderKey = `reminder:${appointmentId}:${appointment.startsAt.toISOString()}`;
  // Earlier reminders (another start) and notices not yet sent are moot now.
  const skip: QueuedSkip = {
    appointmentId,
    kinds: cancelled
      ? ['appointment_reminder', 'booking_confirmation', 'booking_change']
      : ['appointment_reminder', 'booking_change'],
    keep: cancelled ? undefined : reminderKey,
    reason: cancelled ? 'cancelled' : 'moved',
  };
  // Only an owner who heard of the booking hears of its cancellation (an online hold that
  // expired unverified, or a confirmation still queued, goes without a word).
  if (cancelled && !appointment.ownerWasTold) return { skip, messages: [] };
  const messages: NewMessage[] = [
    {
      ...base,
      kind,
      purposeKey:
        kind === 'booking_change'
          ? `change:${appointmentId}:${appointment.version}`
          : `${kind === 'booking_confirmation' ? 'confirmation' : 'cancellation'}:${appointmentId}`,
      sendAt: new Date(),
    },
  ];
  const hours = appointment.reminderHoursBefore ?? 0;
  const remindAt = new Date(appointment.startsAt.getTime() - hours * 3_600_000);
  // Booked inside the reminder window: the confirmation is the reminder.
  if (!cancelled && hours > 0 && remindAt.getTime() > Date.now())
    messages.push({
      ...base,
      kind: 'appointment_reminder',
      purposeKey: reminderKey,
      sendAt: remindAt,
    });
  return { skip, messages };
}
