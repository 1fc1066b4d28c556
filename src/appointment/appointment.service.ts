import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import type { Closure, OpeningHours } from '../clinic/clinic.queries.js';
import { isUuid } from '../common/ids.js';
import { type Closing, returningRows, TenantDb, type TenantTx } from '../database/tenant-db.js';
import { PetService } from '../pet/pet.service.js';
import {
  AppointmentConflict,
  AppointmentNotEditable,
  type FieldChange,
  IllegalStatusTransition,
  PastTimeUnconfirmed,
  SeriesConflict,
  SlotsTaken,
  SlotInClosure,
  SlotOutsideOpeningHours,
  StaleAppointment,
  UnknownReference,
  VetBusyElsewhere,
} from './appointment.errors.js';
import {
  type AppointmentEvent,
  AppointmentEvents,
  type AppointmentEventType,
} from './appointment.events.js';
import {
  AppointmentQueries,
  type AppointmentSource,
  type AppointmentNames,
  type AppointmentView,
  isSlotConflict,
  slotConflictOf,
} from './appointment.queries.js';
import { blockingClosure, freeSlots, type Slot, withinOpeningHours } from './availability.js';
import { type AppointmentStatus, canTransition, holdsSlot, isEditable } from './status-flow.js';
import { once } from '../idempotency/once.js';
import { LiveSequences } from './live-sequences.js';
import { OwnerMessages } from '../message/owner-messages.service.js';

export interface Repeat {
  every: number;
  unit: 'days' | 'weeks';
  count: number;
}

export interface BookAppointment {
  petId: string;
  staffId: string;
  roomId: string | null;
  typeId: string;
  date: string;
  time: string;
  durationMinutes?: number;
  reason?: string | null;
  repeat?: Repeat | null;
  /** A manager may book outside opening hours or into a closure, with a reason that is recorded. */
  overrideReason?: string | null;
  /** The person confirmed a start that has already passed. */
  confirmPast?: boolean;
  /** Where the booking was made (default the front desk). */
  source?: AppointmentSource;
  /**
   * false: no confirmation is queued now (an online hold, confirmed once the owner's email is
   * verified, with `OwnerMessages.enqueue(tx, { kind: 'booking_confirmation', … })`).
   */
  notifyOwner?: boolean;
}

export interface StatusChange {
  to: AppointmentStatus;
  version?: number;
  weightKg?: number | null;
  cancelReason?: string | null;
}

export interface ChangeAppointment {
  version: number;
  staffId: string;
  roomId: string | null;
  typeId: string;
  date: string;
  time: string;
  durationMinutes: number;
  reason: string | null;
  overrideReason?: string | null;
  /** What the form showed when it was opened: to say what changed if someone saved in between. */
  original?: Partial<
    Record<
      'staffId' | 'roomId' | 'typeId' | 'startsAt' | 'endsAt' | 'reason' | 'status',
      string | null
    >
  > & {
    labels?: Record<string, string | null>;
  };
}

@Injectable()
export class AppointmentService {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
    private readonly audit: AuditService,
    private readonly events: AppointmentEvents,
    private readonly pets: PetService,
    private readonly messages: OwnerMessages,
  ) {}

  get(id: string): Promise<AppointmentView> {
    if (!isUuid(id)) throw new NotFoundError('appointment');
    return this.db.run(async (tx) => this.require(tx, id));
  }

  /** The appointment as the caller's transaction sees it (NotFoundError when it is not there). */
  viewIn(tx: TenantTx, id: string): Promise<AppointmentView> {
    return this.require(tx, id);
  }

  async history(id: string) {
    return this.db.run((tx) => this.audit.history(tx, 'appointment', id));
  }

  /** Books one appointment or a whole series: every occurrence or none. */
  async book(input: BookAppointment): Promise<AppointmentView[]> {
    try {
      return await this.publishing(
        (tx) => once(tx, 'appointment.book', () => this.bookIn(tx, input)),
        (views) => views.map((appointment) => ({ type: 'created', appointment })),
      );
    } catch (err) {
      throw err instanceof SlotsTaken ? await this.whatHolds(err) : err;
    }
  }

  /**
   * A booking that lost its time: the conflict naming what holds it, read after the
   * booking's transaction rolled back (none named when that one went away meanwhile).
   */
  private async whatHolds(taken: SlotsTaken): Promise<AppointmentConflict | SeriesConflict> {
    const clashes = await this.db.readTogether((tx) =>
      AppointmentQueries.clashes(tx, taken.wanted),
    );
    return taken.wanted.ranges.length > 1 && clashes.length
      ? new SeriesConflict(clashes)
      : new AppointmentConflict(clashes[0] ?? null);
  }

  /**
   * The booking itself, in the caller's transaction: every rule and the exclusion
   * constraints (a taken time is a SlotsTaken conflict, named by `book`). The online page
   * books here after creating the owner in the same transaction; the caller announces the
   * result once it committed (`announce`).
   */
  async bookIn(tx: TenantTx, input: BookAppointment): Promise<AppointmentView[]> {
    const zone = tx.tenant.timeZone;
    // The starts do not depend on the duration; no appointment lasts longer than 24 hours
    // (CHECK appointments_max_duration), so these closures are all any occurrence can meet.
    const starts = occurrences(input, 0, zone).map((s) => s.startsAt);
    const context = await AppointmentQueries.bookingContext(tx, input, {
      start: starts[0],
      end: new Date(starts[starts.length - 1].getTime() + DAY_MS),
    });
    const { pet, type, staff } = context;
    if (!pet) throw new UnknownReference('petId');
    if (!type?.active) throw new UnknownReference('typeId');
    if (!staff) throw new UnknownReference('staffId');
    if (input.roomId !== null && !context.room) throw new UnknownReference('roomId');
    const userId = staff.userId;
    const duration = input.durationMinutes ?? type.durationMinutes;
    const slots = occurrences(input, duration, zone);
    if (!input.confirmPast && slots[0].startsAt.getTime() < Date.now())
      throw new PastTimeUnconfirmed();
    assertOpen(tx, context, {
      slots,
      staffId: input.staffId,
      roomId: input.roomId,
      overrideReason: input.overrideReason,
    });
    const names: AppointmentNames = {
      clientName: pet.clientName,
      clientOwes: pet.clientOwes,
      petName: pet.name,
      petSpecies: pet.species,
      petAlerts: pet.alerts,
      staffName: staff.name,
      roomName: context.room?.name ?? null,
      typeName: type.name,
      colour: type.colour,
    };

    const wanted = { staffId: input.staffId, roomId: input.roomId, ranges: slots };
    // A vet with a login may work at other clinics too: the per-user lock serialises their
    // bookings across clinics, so a clash here is this clinic's and one at the other clinic
    // is "busy elsewhere", never a deadlock. Any other vet's time is the clinic's alone: no
    // lock and no check first, the exclusion constraints refuse a taken time (a second
    // booking of it waits for the first to commit, then fails) and `book` names what holds it
    // once this transaction is rolled back. Occurrences go in time order, so two series never
    // wait for each other in a cycle.
    if (userId) {
      await AppointmentQueries.lockResources(
        tx,
        resourceKeys(tx.tenantId, input.staffId, input.roomId, userId),
      );
      const clashes = await AppointmentQueries.clashes(tx, wanted);
      if (clashes.length)
        throw slots.length > 1 ? new SeriesConflict(clashes) : new AppointmentConflict(clashes[0]);
    }
    const seriesId = slots.length > 1 ? randomUUID() : null;
    const views: AppointmentView[] = [];
    for (const slot of slots) {
      const view = await this.insert(tx, {
        input,
        clientId: pet.clientId,
        slot,
        seriesId,
        userId,
        names,
      }).catch((err: unknown) => {
        throw err instanceof AppointmentConflict && !err.clash ? new SlotsTaken(wanted) : err;
      });
      await this.audit.record(tx, {
        action: 'appointment.created',
        entity: 'appointment',
        entityId: view.id,
        after: snapshot(view),
      });
      if (input.notifyOwner !== false)
        await this.messages.confirmBooked(tx, view.id, {
          clientId: view.clientId,
          startsAt: view.startsAt,
          version: view.version,
          reminderHoursBefore: context.reminderHoursBefore,
        });
      views.push(view);
    }
    return views;
  }

  /**
   * Numbers a caller's changes with the clinic's live sequence. Call it last in the caller's
   * transaction (the counter row stays locked until COMMIT, so numbers follow commit order),
   * then `announce` the result once the transaction committed.
   */
  async numbered(
    tx: TenantTx,
    changes: Omit<AppointmentEvent, 'tenantId' | 'seq'>[],
  ): Promise<AppointmentEvent[]> {
    const numbering = this.numbering(tx, changes);
    return numbering ? numbering.read(await returningRows(tx.manager, numbering.sql)) : [];
  }

  /** The statement that numbers `changes` (none for no change), to send last. */
  private numbering(
    tx: TenantTx,
    changes: Omit<AppointmentEvent, 'tenantId' | 'seq'>[],
  ): Closing<AppointmentEvent[]> | null {
    if (changes.length === 0) return null;
    const taking = LiveSequences.closing(tx, changes.length);
    return {
      sql: taking.sql,
      read: (rows) => {
        const first = taking.read(rows);
        return changes.map((e, i) => ({ ...e, tenantId: tx.tenantId, seq: first + i }));
      },
    };
  }

  /** Tells the clinic's open calendars about changes committed with their numbers. */
  announce(events: readonly AppointmentEvent[]): void {
    for (const event of events) this.events.publish(event);
  }

  /**
   * The free starts of each vet on one clinic-local day for an appointment of
   * `durationMinutes`, none before `notBefore`: the same hours, closures and bookings the
   * front desk's "next free slot" reads (availability.ts), in the caller's transaction.
   */
  async freeTimes(
    tx: TenantTx,
    opts: { date: string; durationMinutes: number; staffIds: string[]; notBefore: Date },
  ): Promise<{ staffId: string; slots: Slot[] }[]> {
    const zone = tx.tenant.timeZone;
    const range = ClinicTime.dayRange(opts.date, zone);
    const from = new Date(Math.max(range.start.getTime(), opts.notBefore.getTime()));
    if (from >= range.end || opts.staffIds.length === 0) return [];
    const { hours, closures } = await this.settings.scheduleWithClosures(tx, range);
    const active = (await AppointmentQueries.inRange(tx, range)).filter((a) => holdsSlot(a.status));
    return opts.staffIds.map((staffId) => ({
      staffId,
      slots: [
        ...freeSlots({
          from,
          days: 1,
          zone,
          durationMinutes: opts.durationMinutes,
          hours,
          closures,
          busy: active.filter((a) => a.staffId === staffId),
          staffId,
        }),
      ],
    }));
  }

  /** Gives an appointment another client and pet of the clinic (an online request matched to its owner). */
  async reassignPatient(
    tx: TenantTx,
    id: string,
    patient: { clientId: string; petId: string },
  ): Promise<AppointmentView> {
    const before = await this.require(tx, id);
    await AppointmentQueries.setPatient(tx, id, patient);
    const after = await this.require(tx, id);
    await this.audit.record(tx, {
      action: 'appointment.patient_matched',
      entity: 'appointment',
      entityId: id,
      before: { clientId: before.clientId, petId: before.petId },
      after: { clientId: after.clientId, petId: after.petId },
    });
    return after;
  }

  /** The owner confirmed the booking (an online request's email link): booked becomes confirmed. */
  async confirmIn(tx: TenantTx, id: string): Promise<AppointmentView> {
    const current = await this.require(tx, id);
    if (!canTransition(current.status, 'confirmed')) return current;
    await AppointmentQueries.setStatus(tx, id, {
      status: 'confirmed',
      cancelReason: null,
      weightKg: null,
    });
    const after = await this.require(tx, id);
    await this.audit.record(tx, {
      action: 'appointment.confirmed',
      entity: 'appointment',
      entityId: id,
      before: snapshot(current),
      after: snapshot(after),
    });
    return after;
  }

  /**
   * Removes an appointment that never became one: an online hold whose owner did not confirm
   * their email in time. Returns it as it was, for the calendars' event.
   */
  async withdrawIn(tx: TenantTx, id: string, reason: string): Promise<AppointmentView> {
    const view = await this.require(tx, id);
    // staff_bookings has no foreign key to appointments (a reference table on Citus).
    await holdVetTime(tx, id, null);
    await AppointmentQueries.delete(tx, id);
    await this.audit.record(tx, {
      action: 'appointment.withdrawn',
      entity: 'appointment',
      entityId: id,
      before: snapshot(view),
      after: { reason },
    });
    return view;
  }

  /** Edits time, length, vet, room, type or reason; refuses when someone else saved first. */
  async change(
    id: string,
    input: ChangeAppointment,
    type: AppointmentEventType = 'updated',
  ): Promise<AppointmentView> {
    return this.publishing(
      async (tx) => {
        const current = await this.require(tx, id);
        if (current.version !== input.version)
          throw new StaleAppointment(describeChanges(input.original ?? {}, current));
        if (!isEditable(current.status)) throw new AppointmentNotEditable(current.status);
        await this.requireType(tx, input.typeId);
        const userId = await this.requireStaffAndRoom(tx, input.staffId, input.roomId);
        const startsAt = ClinicTime.toInstant(input.date, input.time, tx.tenant.timeZone);
        const slot = {
          startsAt,
          endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
        };
        await this.checkOpen(tx, {
          slots: [slot],
          staffId: input.staffId,
          roomId: input.roomId,
          overrideReason: input.overrideReason,
        });
        await AppointmentQueries.lockResources(tx, [
          ...resourceKeys(tx.tenantId, input.staffId, input.roomId, userId),
          ...resourceKeys(tx.tenantId, current.staffId, current.roomId, null),
        ]);
        const [clash] = await AppointmentQueries.clashes(tx, {
          staffId: input.staffId,
          roomId: input.roomId,
          ranges: [slot],
          exceptId: id,
        });
        if (clash) throw new AppointmentConflict(clash);
        const updated = await mapSlotConflict(() =>
          AppointmentQueries.update(tx, id, {
            staffId: input.staffId,
            roomId: input.roomId,
            typeId: input.typeId,
            ...slot,
            reason: input.reason,
            hoursOverrideReason: input.overrideReason ?? null,
            version: input.version,
          }),
        );
        if (!updated) throw new StaleAppointment([]);
        await holdVetTime(tx, id, { userId, ...slot });
        const after = await this.require(tx, id);
        await this.audit.record(tx, {
          action: `appointment.${type}`,
          entity: 'appointment',
          entityId: id,
          before: snapshot(current),
          after: snapshot(after),
        });
        await this.messages.enqueue(tx, { kind: 'booking_change', appointmentId: id });
        return after;
      },
      (appointment) => [{ type, appointment }],
    );
  }

  /** Drag-and-drop on the calendar: a new start (and maybe vet), same length and everything else. */
  async move(
    id: string,
    input: { version: number; date: string; time: string; staffId?: string },
  ): Promise<AppointmentView> {
    const current = await this.get(id);
    const duration = Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / 60_000);
    return this.change(
      id,
      {
        version: input.version,
        staffId: input.staffId ?? current.staffId,
        roomId: current.roomId,
        typeId: current.typeId,
        date: input.date,
        time: input.time,
        durationMinutes: duration,
        reason: current.reason,
      },
      'moved',
    );
  }

  async changeStatus(id: string, input: StatusChange) {
    return this.publishing(
      (tx) => once(tx, 'appointment.status', () => this.applyStatus(tx, id, input)),
      (appointment) => [{ type: input.to === 'cancelled' ? 'cancelled' : 'status', appointment }],
    );
  }

  private async applyStatus(tx: TenantTx, id: string, input: StatusChange) {
    const current = await this.require(tx, id);
    if (input.version !== undefined && input.version !== current.version)
      throw new StaleAppointment(
        describeChanges({ status: input.to === current.status ? null : undefined }, current),
      );
    if (!canTransition(current.status, input.to))
      throw new IllegalStatusTransition(current.status, input.to);
    await AppointmentQueries.setStatus(tx, id, {
      status: input.to,
      cancelReason: input.to === 'cancelled' ? (input.cancelReason ?? null) : null,
      weightKg: input.weightKg ?? null,
    });
    if (input.to === 'cancelled' || input.to === 'no_show') await holdVetTime(tx, id, null);
    if (input.to === 'checked_in' && input.weightKg)
      await this.pets.recordWeight(tx, current.petId, input.weightKg);
    const after = await this.require(tx, id);
    if (input.to === 'cancelled')
      await this.messages.enqueue(tx, { kind: 'booking_cancellation', appointmentId: id });
    await this.audit.record(tx, {
      action: `appointment.${input.to}`,
      entity: 'appointment',
      entityId: id,
      before: snapshot(current),
      after: snapshot(after),
    });
    return after;
  }

  /** Runs a change, then (once it committed) publishes its events to the clinic's screens. */
  private async publishing<T>(
    change: (tx: TenantTx) => Promise<T>,
    eventsOf: (result: T) => Omit<AppointmentEvent, 'tenantId' | 'seq'>[],
  ): Promise<T> {
    // The numbers are taken by the statement sent with the COMMIT (last, as numbered asks).
    const [result, events] = await this.db.runClosing(change, (tx, done) =>
      this.numbering(tx, eventsOf(done)),
    );
    this.announce(events ?? []);
    return result;
  }

  private async require(tx: TenantTx, id: string): Promise<AppointmentView> {
    const view = await AppointmentQueries.byId(tx, id);
    if (!view) throw new NotFoundError('appointment');
    return view;
  }

  private async requireType(tx: TenantTx, typeId: string) {
    const type = isUuid(typeId) ? await AppointmentQueries.type(tx, typeId) : null;
    if (!type?.active) throw new UnknownReference('typeId');
    return type;
  }

  /** Checks the vet and room; returns the vet's user (a vet may work at several clinics). */
  private async requireStaffAndRoom(
    tx: TenantTx,
    staffId: string,
    roomId: string | null,
  ): Promise<string | null> {
    const staff = isUuid(staffId) ? await AppointmentQueries.bookableStaff(tx, staffId) : null;
    if (!staff) throw new UnknownReference('staffId');
    if (roomId !== null && !(isUuid(roomId) && (await AppointmentQueries.activeRoom(tx, roomId))))
      throw new UnknownReference('roomId');
    return staff.userId;
  }

  private async checkOpen(
    tx: TenantTx,
    opts: { slots: Slot[]; staffId: string; roomId: string | null; overrideReason?: string | null },
  ) {
    if (opts.overrideReason && tx.tenant.role === 'manager') return;
    const opening = await this.settings.scheduleWithClosures(tx, {
      start: opts.slots[0].startsAt,
      end: opts.slots[opts.slots.length - 1].endsAt,
    });
    assertOpen(tx, opening, opts);
  }

  private async insert(
    tx: TenantTx,
    opts: {
      input: BookAppointment;
      clientId: string;
      slot: Slot;
      seriesId: string | null;
      userId: string | null;
      names: AppointmentNames;
    },
  ): Promise<AppointmentView> {
    const { input, slot } = opts;
    const view = await mapSlotConflict(() =>
      AppointmentQueries.insert(
        tx,
        {
          clientId: opts.clientId,
          petId: input.petId,
          staffId: input.staffId,
          roomId: input.roomId,
          typeId: input.typeId,
          ...slot,
          reason: input.reason ?? null,
          seriesId: opts.seriesId,
          hoursOverrideReason:
            input.overrideReason && tx.tenant.role === 'manager' ? input.overrideReason : null,
          createdBy: tx.user?.id ?? null,
          source: input.source ?? 'desk',
        },
        opts.names,
      ),
    );
    // A new appointment holds nothing yet: only a vet with a login takes a hold.
    if (opts.userId) await holdVetTime(tx, view.id, { userId: opts.userId, ...slot });
    return view;
  }
}

const DAY_MS = 86_400_000;

/**
 * Every slot within the clinic's opening hours and clear of its closures, unless a manager
 * books outside them with a reason (which is recorded).
 */
function assertOpen(
  tx: TenantTx,
  opening: { hours: OpeningHours[]; closures: Closure[] },
  opts: { slots: Slot[]; staffId: string; roomId: string | null; overrideReason?: string | null },
): void {
  if (opts.overrideReason && tx.tenant.role === 'manager') return;
  for (const slot of opts.slots) {
    if (!withinOpeningHours(slot, tx.tenant.timeZone, opening.hours))
      throw new SlotOutsideOpeningHours();
    const closure = blockingClosure(slot, opening.closures, opts.staffId, opts.roomId);
    if (closure) throw new SlotInClosure(closure.reason);
  }
}

/**
 * The vet's hold on their time across clinics, in the same transaction. This clinic's own
 * clashes were ruled out under the lock, so a clash there means another clinic.
 */
async function holdVetTime(
  tx: TenantTx,
  id: string,
  hold: { userId: string | null; startsAt: Date; endsAt: Date } | null,
): Promise<void> {
  try {
    await AppointmentQueries.holdVetTime(tx, id, hold);
  } catch (err) {
    if (isSlotConflict(err)) throw new VetBusyElsewhere();
    throw err;
  }
}

/**
 * Turns a lost race on an exclusion constraint into the conflict the user should see. This
 * clinic's own clashes were ruled out under the lock, so the cross-clinic constraint means
 * the vet is busy at another clinic.
 */
async function mapSlotConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const conflict = slotConflictOf(err);
    if (conflict === 'vet_elsewhere') throw new VetBusyElsewhere();
    if (conflict === 'taken') throw new AppointmentConflict(null);
    throw err;
  }
}

/** Advisory-lock keys: the vet and room in this clinic, and the vet's user across clinics. */
function resourceKeys(
  tenantId: string,
  staffId: string,
  roomId: string | null,
  userId: string | null,
): string[] {
  return [
    `${tenantId}/staff/${staffId}`,
    ...(roomId ? [`${tenantId}/room/${roomId}`] : []),
    ...(userId ? [`user/${userId}`] : []),
  ];
}

/** Occurrences keep the wall-clock time across DST changes (every Tuesday at 10:00). */
function occurrences(input: BookAppointment, durationMinutes: number, zone: string): Slot[] {
  const count = input.repeat?.count ?? 1;
  const stepDays = input.repeat ? input.repeat.every * (input.repeat.unit === 'weeks' ? 7 : 1) : 0;
  return Array.from({ length: count }, (_, i) => {
    const startsAt = ClinicTime.toInstant(
      ClinicTime.addDays(input.date, i * stepDays),
      input.time,
      zone,
    );
    return { startsAt, endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000) };
  });
}

function snapshot(v: AppointmentView) {
  return {
    petName: v.petName,
    staffId: v.staffId,
    staffName: v.staffName,
    roomId: v.roomId,
    typeId: v.typeId,
    typeName: v.typeName,
    startsAt: v.startsAt,
    endsAt: v.endsAt,
    status: v.status,
    reason: v.reason,
    version: v.version,
  };
}

function describeChanges(
  original: ChangeAppointment['original'] & object,
  current: AppointmentView,
): FieldChange[] {
  const now: Record<string, string | null> = {
    staffId: current.staffName,
    roomId: current.roomName,
    typeId: current.typeName,
    startsAt: current.startsAt.toISOString(),
    endsAt: current.endsAt.toISOString(),
    reason: current.reason,
    status: current.status,
  };
  const ids: Record<string, string | null> = {
    staffId: current.staffId,
    roomId: current.roomId,
    typeId: current.typeId,
    startsAt: current.startsAt.toISOString(),
    endsAt: current.endsAt.toISOString(),
    reason: current.reason,
    status: current.status,
  };
  const { labels = {}, ...values } = original;
  return Object.entries(values)
    .filter(([field, was]) => was !== undefined && (was ?? null) !== (ids[field] ?? null))
    .map(([field, was]) => ({
      field,
      from: String(labels[field] ?? was ?? ''),
      to: String(now[field] ?? ''),
    }));
}
