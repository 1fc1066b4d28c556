import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { returningRows, TenantDb, type TenantTx } from '../database/tenant-db.js';
import { currentTenant, RequestContexts } from '../tenant/request-context.js';
import {
  AppointmentConflict,
  AppointmentNotEditable,
  type FieldChange,
  IllegalStatusTransition,
  SeriesConflict,
  SlotInClosure,
  SlotOutsideOpeningHours,
  StaleAppointment,
  UnknownReference,
  VetBusyElsewhere,
} from './appointment.errors.js';
import { AppointmentEvents, type AppointmentEventType } from './appointment.events.js';
import { AppointmentQueries, type AppointmentView, isSlotConflict } from './appointment.queries.js';
import { blockingClosure, type Slot, withinOpeningHours } from './availability.js';
import { type AppointmentStatus, canTransition, isEditable } from './status-flow.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AppointmentService {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
    private readonly audit: AuditService,
    private readonly events: AppointmentEvents,
  ) {}

  get(id: string): Promise<AppointmentView> {
    if (!UUID.test(id)) throw new NotFoundError('appointment');
    return this.db.run(async (tx) => this.require(tx, id));
  }

  async history(id: string) {
    return this.db.run((tx) => this.audit.history(tx, 'appointment', id));
  }

  /** Books one appointment or a whole series: every occurrence or none. */
  async book(input: BookAppointment): Promise<AppointmentView[]> {
    const tenant = currentTenant();
    const booked = await this.db.run(async (tx) => {
      const [pet] = await tx.manager.query(
        `select client_id from pets where tenant_id = $1 and id = $2 and deceased_on is null`,
        [tx.tenantId, input.petId],
      );
      if (!pet) throw new UnknownReference('petId');
      const type = await this.requireType(tx, input.typeId);
      const userId = await this.requireStaffAndRoom(tx, input.staffId, input.roomId);
      const duration = input.durationMinutes ?? type.durationMinutes;
      const slots = occurrences(input, duration, tenant.timeZone);
      await this.checkOpen(tx, {
        slots,
        staffId: input.staffId,
        roomId: input.roomId,
        overrideReason: input.overrideReason,
      });

      await AppointmentQueries.lockResources(
        tx.manager,
        resourceKeys(tx.tenantId, input.staffId, input.roomId, userId),
      );
      const clashes = await AppointmentQueries.clashes(tx, {
        staffId: input.staffId,
        roomId: input.roomId,
        ranges: slots,
      });
      if (clashes.length)
        throw slots.length > 1 ? new SeriesConflict(clashes) : new AppointmentConflict(clashes[0]);

      const seriesId = slots.length > 1 ? randomUUID() : null;
      const views: AppointmentView[] = [];
      for (const slot of slots) {
        const id = await this.insert(tx, { input, clientId: pet.client_id, slot, seriesId });
        const view = await this.require(tx, id);
        await this.audit.record(tx, {
          action: 'appointment.created',
          entity: 'appointment',
          entityId: id,
          after: snapshot(view),
        });
        views.push(view);
      }
      return views;
    });
    for (const appointment of booked)
      this.events.publish({ type: 'created', tenantId: tenant.id, appointment });
    return booked;
  }

  /** Edits time, length, vet, room, type or reason; refuses when someone else saved first. */
  async change(
    id: string,
    input: ChangeAppointment,
    type: AppointmentEventType = 'updated',
  ): Promise<AppointmentView> {
    const tenant = currentTenant();
    const view = await this.db.run(async (tx) => {
      const current = await this.require(tx, id);
      if (current.version !== input.version)
        throw new StaleAppointment(describeChanges(input.original ?? {}, current));
      if (!isEditable(current.status)) throw new AppointmentNotEditable(current.status);
      await this.requireType(tx, input.typeId);
      const userId = await this.requireStaffAndRoom(tx, input.staffId, input.roomId);
      const startsAt = ClinicTime.toInstant(input.date, input.time, tenant.timeZone);
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
      await AppointmentQueries.lockResources(tx.manager, [
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
      const updated = await this.savepoint(tx, () =>
        returningRows(
          tx.manager,
          `update appointments set staff_id = $3, room_id = $4, type_id = $5, starts_at = $6, ends_at = $7, reason = $8,
                  hours_override_reason = coalesce($9, hours_override_reason), version = version + 1, updated_at = now()
            where tenant_id = $1 and id = $2 and version = $10 returning id`,
          [
            tx.tenantId,
            id,
            input.staffId,
            input.roomId,
            input.typeId,
            slot.startsAt,
            slot.endsAt,
            input.reason,
            input.overrideReason ?? null,
            input.version,
          ],
        ),
      );
      if (!updated.length) throw new StaleAppointment([]);
      const after = await this.require(tx, id);
      await this.audit.record(tx, {
        action: `appointment.${type}`,
        entity: 'appointment',
        entityId: id,
        before: snapshot(current),
        after: snapshot(after),
      });
      return after;
    });
    this.events.publish({ type, tenantId: tenant.id, appointment: view });
    return view;
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

  async changeStatus(
    id: string,
    input: {
      to: AppointmentStatus;
      version?: number;
      weightKg?: number | null;
      cancelReason?: string | null;
    },
  ) {
    const tenant = currentTenant();
    const view = await this.db.run(async (tx) => {
      const current = await this.require(tx, id);
      if (input.version !== undefined && input.version !== current.version)
        throw new StaleAppointment(
          describeChanges({ status: input.to === current.status ? null : undefined }, current),
        );
      if (!canTransition(current.status, input.to))
        throw new IllegalStatusTransition(current.status, input.to);
      await tx.manager.query(
        `update appointments set status = $3, cancel_reason = coalesce($4, cancel_reason),
                checked_in_weight_kg = coalesce($5, checked_in_weight_kg), version = version + 1, updated_at = now()
          where tenant_id = $1 and id = $2`,
        [
          tx.tenantId,
          id,
          input.to,
          input.to === 'cancelled' ? input.cancelReason : null,
          input.weightKg ?? null,
        ],
      );
      if (input.to === 'checked_in' && input.weightKg) {
        await tx.manager.query(
          `update pets set weight_kg = $3, updated_at = now() where tenant_id = $1 and id = $2`,
          [tx.tenantId, current.petId, input.weightKg],
        );
      }
      const after = await this.require(tx, id);
      await this.audit.record(tx, {
        action: `appointment.${input.to}`,
        entity: 'appointment',
        entityId: id,
        before: snapshot(current),
        after: snapshot(after),
      });
      return after;
    });
    this.events.publish({
      type: input.to === 'cancelled' ? 'cancelled' : 'status',
      tenantId: tenant.id,
      appointment: view,
    });
    return view;
  }

  private async require(tx: TenantTx, id: string): Promise<AppointmentView> {
    const view = await AppointmentQueries.byId(tx, id);
    if (!view) throw new NotFoundError('appointment');
    return view;
  }

  private async requireType(tx: TenantTx, typeId: string) {
    if (!UUID.test(typeId)) throw new UnknownReference('typeId');
    const [type] = await tx.manager.query(
      `select duration_minutes as "durationMinutes" from appointment_types where tenant_id = $1 and id = $2 and active`,
      [tx.tenantId, typeId],
    );
    if (!type) throw new UnknownReference('typeId');
    return type as { durationMinutes: number };
  }

  /** Checks the vet and room; returns the vet's user (a vet may work at several clinics). */
  private async requireStaffAndRoom(
    tx: TenantTx,
    staffId: string,
    roomId: string | null,
  ): Promise<string | null> {
    if (!UUID.test(staffId)) throw new UnknownReference('staffId');
    const [staff] = await tx.manager.query(
      `select 1 from staff where tenant_id = $1 and id = $2 and active and takes_appointments`,
      [tx.tenantId, staffId],
    );
    if (!staff) throw new UnknownReference('staffId');
    const userId = staff.userId as string | null;
    if (roomId !== null) {
      if (!UUID.test(roomId)) throw new UnknownReference('roomId');
      const [room] = await tx.manager.query(
        `select 1 from rooms where tenant_id = $1 and id = $2 and active`,
        [tx.tenantId, roomId],
      );
      if (!room) throw new UnknownReference('roomId');
    }
    return userId;
  }

  private async checkOpen(
    tx: TenantTx,
    opts: { slots: Slot[]; staffId: string; roomId: string | null; overrideReason?: string | null },
  ) {
    const tenant = currentTenant();
    if (opts.overrideReason && tenant.role === 'manager') return;
    const { hours } = await this.settings.schedule(tx);
    const closures = await this.settings.closures(tx, {
      start: opts.slots[0].startsAt,
      end: opts.slots[opts.slots.length - 1].endsAt,
    });
    for (const slot of opts.slots) {
      if (!withinOpeningHours(slot, tenant.timeZone, hours)) throw new SlotOutsideOpeningHours();
      const closure = blockingClosure(slot, closures, opts.staffId, opts.roomId);
      if (closure) throw new SlotInClosure(closure.reason);
    }
  }

  private async insert(
    tx: TenantTx,
    opts: { input: BookAppointment; clientId: string; slot: Slot; seriesId: string | null },
  ) {
    const { input, slot } = opts;
    const rows = await this.savepoint(tx, () =>
      tx.manager.query(
        `insert into appointments (tenant_id, client_id, pet_id, staff_id, room_id, type_id, starts_at, ends_at, reason,
                                   series_id, hours_override_reason, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
        [
          tx.tenantId,
          opts.clientId,
          input.petId,
          input.staffId,
          input.roomId,
          input.typeId,
          slot.startsAt,
          slot.endsAt,
          input.reason ?? null,
          opts.seriesId,
          input.overrideReason && currentTenant().role === 'manager' ? input.overrideReason : null,
          RequestContexts.current()?.user?.id ?? null,
        ],
      ),
    );
    return rows[0].id as string;
  }

  /** Turns a lost race on the exclusion constraint into the conflict the user should see. */
  private async savepoint<T>(tx: TenantTx, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isSlotConflict(err)) {
        // This clinic's own clashes were ruled out under the lock: the vet is busy elsewhere.
        const constraint = (err as { driverError?: { constraint?: string } }).driverError
          ?.constraint;
        throw constraint === 'staff_bookings_no_overlap'
          ? new VetBusyElsewhere()
          : new AppointmentConflict(null);
      }
      throw err;
    }
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
