import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { returningRows, TenantDb, type TenantTx } from '../database/tenant-db.js';
import { currentTenant } from '../tenant/request-context.js';
import type { ClosureForm } from './clinic-settings.forms.js';
import { closurePeriod } from './closure-period.js';

export interface OpeningHours {
  id: string;
  weekday: number;
  opens: string; // HH:mm
  closes: string; // HH:mm, '24:00' = midnight at the end of the day
}
export interface Closure {
  id: string;
  startsAt: Date;
  endsAt: Date;
  staffId: string | null;
  roomId: string | null;
  reason: string;
}
export interface Room {
  id: string;
  name: string;
  active: boolean;
}
export interface AppointmentType {
  id: string;
  name: string;
  durationMinutes: number;
  colour: string;
  active: boolean;
}
export interface BookableStaff {
  id: string;
  name: string;
  kind: string;
  takesAppointments: boolean;
  active: boolean;
}

/** Everything the calendar needs to know about the clinic, read in a fixed number of queries. */
export interface ClinicSchedule {
  hours: OpeningHours[];
  rooms: Room[];
  types: AppointmentType[];
  staff: BookableStaff[];
}

const HHMM = `to_char(%s, 'HH24:MI')`;

@Injectable()
export class ClinicSettingsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  async schedule(tx: TenantTx): Promise<ClinicSchedule> {
    const { manager, tenantId } = tx;
    const [hours, rooms, types, staff] = await Promise.all([
      manager.query(
        `select id, weekday, ${HHMM.replace('%s', 'opens')} as opens,
                case when closes = '24:00' then '24:00' else ${HHMM.replace('%s', 'closes')} end as closes
           from opening_hours where tenant_id = $1 order by weekday, opens`,
        [tenantId],
      ),
      manager.query(`select id, name, active from rooms where tenant_id = $1 order by name`, [
        tenantId,
      ]),
      manager.query(
        `select id, name, duration_minutes as "durationMinutes", colour, active from appointment_types where tenant_id = $1 order by name`,
        [tenantId],
      ),
      manager.query(
        `select id, name, kind, takes_appointments as "takesAppointments", active from staff where tenant_id = $1 order by name`,
        [tenantId],
      ),
    ]);
    return { hours, rooms, types, staff };
  }

  closures(tx: TenantTx, range: { start: Date; end: Date }): Promise<Closure[]> {
    return tx.manager.query(
      `select id, starts_at as "startsAt", ends_at as "endsAt", staff_id as "staffId", room_id as "roomId", reason
         from closures where tenant_id = $1 and starts_at < $3 and ends_at > $2 order by starts_at`,
      [tx.tenantId, range.start, range.end],
    );
  }

  /** The settings page: the schedule and every closure not yet over. */
  load(): Promise<ClinicSchedule & { closures: Closure[] }> {
    return this.db.run(async (tx) => {
      const schedule = await this.schedule(tx);
      const closures = await tx.manager.query(
        `select id, starts_at as "startsAt", ends_at as "endsAt", staff_id as "staffId", room_id as "roomId", reason
           from closures where tenant_id = $1 and ends_at > now() order by starts_at limit 200`,
        [tx.tenantId],
      );
      return { ...schedule, closures };
    });
  }

  async setTimeZone(zone: string): Promise<void> {
    const tenant = currentTenant();
    await this.db.run(async (tx) => {
      await tx.manager.query('update tenants set time_zone = $2 where id = $1', [tenant.id, zone]);
      await this.audit.record(tx, {
        action: 'settings.time_zone_changed',
        entity: 'clinic',
        entityId: tenant.id,
        before: { timeZone: tenant.timeZone },
        after: { timeZone: zone },
      });
    });
  }

  /** Replaces the week's opening hours in one go (the form shows the whole week). */
  replaceHours(hours: { weekday: number; opens: string; closes: string }[]): Promise<void> {
    return this.db.run(async (tx) => {
      const before = await tx.manager.query(
        `select weekday, opens, closes from opening_hours where tenant_id = $1 order by weekday, opens`,
        [tx.tenantId],
      );
      await tx.manager.query('delete from opening_hours where tenant_id = $1', [tx.tenantId]);
      for (const h of hours) {
        await tx.manager.query(
          'insert into opening_hours (tenant_id, weekday, opens, closes) values ($1, $2, $3, $4)',
          [tx.tenantId, h.weekday, h.opens, h.closes],
        );
      }
      await this.audit.record(tx, {
        action: 'settings.hours_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        before,
        after: hours,
      });
    });
  }

  addClosure(input: {
    startsAt: Date;
    endsAt: Date;
    staffId: string | null;
    roomId: string | null;
    reason: string;
  }): Promise<string> {
    return this.db.run(async (tx) => {
      const [row] = await tx.manager.query(
        `insert into closures (tenant_id, starts_at, ends_at, staff_id, room_id, reason) values ($1, $2, $3, $4, $5, $6) returning id`,
        [tx.tenantId, input.startsAt, input.endsAt, input.staffId, input.roomId, input.reason],
      );
      await this.audit.record(tx, {
        action: 'settings.closure_added',
        entity: 'closure',
        entityId: row.id,
        after: input,
      });
      return row.id;
    });
  }

  /** A closure as the manager typed it, in the clinic's local dates and times. */
  addLocalClosure(form: ClosureForm): Promise<string> {
    return this.addClosure(closurePeriod(form, currentTenant().timeZone));
  }

  removeClosure(id: string): Promise<void> {
    return this.db.run(async (tx) => {
      const rows = await returningRows(
        tx.manager,
        `delete from closures where tenant_id = $1 and id = $2 returning reason, starts_at, ends_at`,
        [tx.tenantId, id],
      );
      if (!rows.length) throw new NotFoundError('closure');
      await this.audit.record(tx, {
        action: 'settings.closure_removed',
        entity: 'closure',
        entityId: id,
        before: rows[0],
      });
    });
  }

  saveRoom(input: { id?: string; name: string; active: boolean }): Promise<string> {
    return this.db.run(async (tx) => {
      const [row] = input.id
        ? await returningRows<{ id: string }>(
            tx.manager,
            `update rooms set name = $3, active = $4 where tenant_id = $1 and id = $2 returning id`,
            [tx.tenantId, input.id, input.name, input.active],
          )
        : await tx.manager.query(
            `insert into rooms (tenant_id, name, active) values ($1, $2, $3) returning id`,
            [tx.tenantId, input.name, input.active],
          );
      if (!row) throw new NotFoundError('room');
      await this.audit.record(tx, {
        action: input.id ? 'settings.room_updated' : 'settings.room_added',
        entity: 'room',
        entityId: row.id,
        after: input,
      });
      return row.id;
    });
  }

  saveType(input: {
    id?: string;
    name: string;
    durationMinutes: number;
    colour: string;
    active: boolean;
  }): Promise<string> {
    return this.db.run(async (tx) => {
      const params = [tx.tenantId, input.name, input.durationMinutes, input.colour, input.active];
      const [row] = input.id
        ? await returningRows<{ id: string }>(
            tx.manager,
            `update appointment_types set name = $2, duration_minutes = $3, colour = $4, active = $5 where tenant_id = $1 and id = $6 returning id`,
            [...params, input.id],
          )
        : await tx.manager.query(
            `insert into appointment_types (tenant_id, name, duration_minutes, colour, active) values ($1, $2, $3, $4, $5) returning id`,
            params,
          );
      if (!row) throw new NotFoundError('appointment type');
      await this.audit.record(tx, {
        action: input.id ? 'settings.type_updated' : 'settings.type_added',
        entity: 'appointment_type',
        entityId: row.id,
        after: input,
      });
      return row.id;
    });
  }

  setBookableStaff(staffIds: string[]): Promise<void> {
    return this.db.run(async (tx) => {
      await tx.manager.query(
        `update staff set takes_appointments = (id = any($2::uuid[])) where tenant_id = $1`,
        [tx.tenantId, staffIds],
      );
      await this.audit.record(tx, {
        action: 'settings.bookable_staff_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        after: { staffIds },
      });
    });
  }
}
