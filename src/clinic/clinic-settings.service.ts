import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { isUniqueViolation } from '../common/pg-errors.js';
import { isUuid } from '../common/ids.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { StaffService } from '../staff/staff.service.js';
import { TenantService } from '../tenant/tenant.service.js';
import {
  type AppointmentType,
  type ClinicSchedule,
  type Closure,
  ClinicQueries,
} from './clinic.queries.js';
import type { ClosureForm } from './clinic-settings.forms.js';
import { closurePeriod } from './closure-period.js';
import { inCalendarOrder, moveColumn } from './calendar-order.js';
import { currentTenant } from '../tenant/request-context.js';

/** What the settings page changes about a room or an appointment type, and how it is audited. */
interface SavedSetting {
  entity: 'room' | 'appointment_type';
  /** `settings.<action>_added` / `settings.<action>_updated`. */
  action: 'room' | 'type';
  notFound: string;
}

@Injectable()
export class ClinicSettingsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly tenants: TenantService,
    private readonly staff: StaffService,
  ) {}

  schedule(tx: TenantTx): Promise<ClinicSchedule> {
    return ClinicQueries.schedule(tx);
  }

  /** The schedule and the closures overlapping `range`, read together (one statement). */
  scheduleWithClosures(
    tx: TenantTx,
    range: { start: Date; end: Date },
  ): Promise<ClinicSchedule & { closures: Closure[] }> {
    return ClinicQueries.scheduleWithClosures(tx, range);
  }

  /** The settings page: the schedule, every closure not yet over, and the online page's switch. */
  load(): Promise<ClinicSchedule & { closures: Closure[]; onlineBooking: boolean }> {
    return this.db.run(async (tx) => {
      const schedule = await ClinicQueries.schedule(tx);
      return {
        ...schedule,
        closures: await ClinicQueries.upcomingClosures(tx),
        onlineBooking: await this.tenants.onlineBooking(tx),
      };
    });
  }

  /** Opens or closes the owners' booking page, and what it offers (types and staff). */
  setOnlineBooking(offer: { enabled: boolean; typeIds: string[]; staffIds: string[] }) {
    return this.db.run(async (tx) => {
      await this.tenants.setOnlineBooking(tx, offer.enabled);
      await ClinicQueries.setTypesOfferedOnline(tx, offer.typeIds);
      await this.staff.setOfferedOnline(tx, offer.staffIds);
      await this.audit.record(tx, {
        action: 'settings.online_booking_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        after: offer,
      });
    });
  }

  async setTimeZone(zone: string): Promise<void> {
    await this.db.run(async (tx) => {
      await this.tenants.setTimeZone(tx, zone);
      await this.audit.record(tx, {
        action: 'settings.time_zone_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        before: { timeZone: tx.tenant.timeZone },
        after: { timeZone: zone },
      });
    });
  }

  /** Replaces the week's opening hours in one go (the form shows the whole week). */
  replaceHours(hours: { weekday: number; opens: string; closes: string }[]): Promise<void> {
    return this.db.run(async (tx) => {
      const before = await ClinicQueries.storedHours(tx);
      await ClinicQueries.replaceHours(tx, hours);
      await this.audit.record(tx, {
        action: 'settings.hours_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        before,
        after: hours,
      });
    });
  }

  addClosure(input: Omit<Closure, 'id'>): Promise<string> {
    return this.db.run(async (tx) => {
      const id = await ClinicQueries.insertClosure(tx, input);
      await this.audit.record(tx, {
        action: 'settings.closure_added',
        entity: 'closure',
        entityId: id,
        after: input,
      });
      return id;
    });
  }

  /** A closure as the manager typed it, in the clinic's local dates and times. */
  addLocalClosure(form: ClosureForm): Promise<string> {
    return this.addClosure(closurePeriod(form, currentTenant().timeZone));
  }

  removeClosure(id: string): Promise<void> {
    if (!isUuid(id)) return Promise.reject(new NotFoundError('closure'));
    return this.db.run(async (tx) => {
      const removed = await ClinicQueries.deleteClosure(tx, id);
      if (!removed) throw new NotFoundError('closure');
      await this.audit.record(tx, {
        action: 'settings.closure_removed',
        entity: 'closure',
        entityId: id,
        before: removed,
      });
    });
  }

  saveRoom(input: { id?: string; name: string; active: boolean }): Promise<string> {
    return this.save({ entity: 'room', action: 'room', notFound: 'room' }, input, (tx) =>
      ClinicQueries.saveRoom(tx, input),
    );
  }

  saveType(
    input: Omit<AppointmentType, 'id' | 'offeredOnline'> & { id?: string },
  ): Promise<string> {
    return this.save(
      { entity: 'appointment_type', action: 'type', notFound: 'appointment type' },
      input,
      (tx) => ClinicQueries.saveType(tx, input),
    );
  }

  /** The service billed for visits of a type (billing's price list); in the caller's transaction. */
  async setTypeService(tx: TenantTx, typeId: string, serviceId: string | null): Promise<void> {
    if (!(await ClinicQueries.setTypeService(tx, typeId, serviceId)))
      throw new NotFoundError('appointment type');
    await this.audit.record(tx, {
      action: 'settings.type_service_changed',
      entity: 'appointment_type',
      entityId: typeId,
      after: { defaultServiceId: serviceId },
    });
  }

  setBookableStaff(staffIds: string[]): Promise<void> {
    return this.db.run(async (tx) => {
      await this.staff.setBookable(tx, staffIds);
      await this.audit.record(tx, {
        action: 'settings.bookable_staff_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        after: { staffIds },
      });
    });
  }

  /**
   * Moves one calendar column a place up or down in the clinic's order (every user's
   * calendar follows it; an empty list puts the default order back: vets first, by name).
   */
  moveCalendarColumn(move: { staffId?: string; direction: 'up' | 'down' | 'reset' }) {
    return this.db.run(async (tx) => {
      const { staff } = await ClinicQueries.schedule(tx);
      const ids = inCalendarOrder(staff.filter((s) => s.active && s.takesAppointments)).map(
        (s) => s.id,
      );
      const order =
        move.direction === 'reset' ? [] : moveColumn(ids, move.staffId ?? '', move.direction);
      if (!order) throw new NotFoundError('staff');
      await this.staff.setCalendarOrder(tx, order);
      await this.audit.record(tx, {
        action: 'settings.calendar_order_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        after: { staffIds: order },
      });
    });
  }

  /** Adds or updates a room or type (`input.id` names the one to update) and audits it. */
  private save(
    what: SavedSetting,
    input: { id?: string },
    write: (tx: TenantTx) => Promise<string | null>,
  ): Promise<string> {
    return this.db.run(async (tx) => {
      const id = await write(tx).catch((err: unknown) => {
        // Names are unique per clinic: a second "Exam 1" is the manager's to rename.
        if (isUniqueViolation(err)) throw new ValidationFailed({ name: 'validation.nameTaken' });
        throw err;
      });
      if (!id) throw new NotFoundError(what.notFound);
      await this.audit.record(tx, {
        action: `settings.${what.action}_${input.id ? 'updated' : 'added'}`,
        entity: what.entity,
        entityId: id,
        after: input,
      });
      return id;
    });
  }
}
