import type { EntityManager } from 'typeorm';
import type { TenantTx } from '../database/tenant-db.js';
import type { ClashSummary } from './appointment.errors.js';
import type { AppointmentStatus } from './status-flow.js';

/** The appointment as pages, the API and live events see it. */
export interface AppointmentView {
  id: string;
  clientId: string;
  clientName: string;
  petId: string;
  petName: string;
  petSpecies: string;
  petAlerts: string | null;
  staffId: string;
  staffName: string;
  roomId: string | null;
  roomName: string | null;
  typeId: string;
  typeName: string;
  colour: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  reason: string | null;
  cancelReason: string | null;
  checkedInWeightKg: string | null;
  seriesId: string | null;
  hoursOverrideReason: string | null;
  version: number;
  updatedAt: Date;
}

const VIEW_SELECT = `
  select a.id, a.client_id as "clientId", c.first_name || ' ' || c.last_name as "clientName",
         a.pet_id as "petId", p.name as "petName", p.species as "petSpecies", p.alerts as "petAlerts",
         a.staff_id as "staffId", s.name as "staffName", a.room_id as "roomId", r.name as "roomName",
         a.type_id as "typeId", t.name as "typeName", t.colour, a.starts_at as "startsAt", a.ends_at as "endsAt",
         a.status, a.reason, a.cancel_reason as "cancelReason", a.checked_in_weight_kg as "checkedInWeightKg",
         a.series_id as "seriesId", a.hours_override_reason as "hoursOverrideReason", a.version, a.updated_at as "updatedAt"
    from appointments a
    join clients c on c.tenant_id = a.tenant_id and c.id = a.client_id
    join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
    join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
    join appointment_types t on t.tenant_id = a.tenant_id and t.id = a.type_id
    left join rooms r on r.tenant_id = a.tenant_id and r.id = a.room_id`;

/** All appointment SQL lives here: one place per module for queries. */
export const AppointmentQueries = {
  async byId(tx: TenantTx, id: string): Promise<AppointmentView | null> {
    const rows = await tx.manager.query(`${VIEW_SELECT} where a.tenant_id = $1 and a.id = $2`, [
      tx.tenantId,
      id,
    ]);
    return rows[0] ?? null;
  },

  /** A calendar's range in one query, whatever the number of appointments. */
  inRange(
    tx: TenantTx,
    range: { start: Date; end: Date; staffId?: string },
  ): Promise<AppointmentView[]> {
    const params: unknown[] = [tx.tenantId, range.start, range.end];
    const byStaff = range.staffId ? `and a.staff_id = $${params.push(range.staffId)}` : '';
    return tx.manager.query(
      `${VIEW_SELECT} where a.tenant_id = $1 and a.starts_at < $3 and a.ends_at > $2 ${byStaff}
        order by a.starts_at, s.name`,
      params,
    );
  },

  /**
   * Serialises bookings per vet and room (STACK-NOTES.md: concurrent inserts under a GiST
   * exclusion constraint can deadlock; with the lock every loser gets a clean conflict).
   */
  async lockResources(manager: EntityManager, keys: string[]): Promise<void> {
    // Always in the same order, so two bookings never wait for each other in a cycle.
    for (const key of [...new Set(keys)].sort()) {
      await manager.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
    }
  },

  /** Active appointments of the vet or room that overlap any of the ranges (excluding `exceptId`). */
  async clashes(
    tx: TenantTx,
    opts: {
      staffId: string;
      roomId: string | null;
      ranges: { startsAt: Date; endsAt: Date }[];
      exceptId?: string;
    },
  ): Promise<ClashSummary[]> {
    if (opts.ranges.length === 0) return [];
    return tx.manager.query(
      `select a.id, a.starts_at as "startsAt", a.ends_at as "endsAt", p.name as "petName", s.name as "staffName"
         from appointments a
         join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
         join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
        where a.tenant_id = $1 and a.status not in ('cancelled', 'no_show')
          and (a.staff_id = $2 or (a.room_id is not null and a.room_id = $3))
          and ($4::uuid is null or a.id <> $4)
          and exists (select 1 from unnest($5::timestamptz[], $6::timestamptz[]) as r(s, e)
                       where tstzrange(a.starts_at, a.ends_at) && tstzrange(r.s, r.e))
        order by a.starts_at`,
      [
        tx.tenantId,
        opts.staffId,
        opts.roomId,
        opts.exceptId ?? null,
        opts.ranges.map((r) => r.startsAt),
        opts.ranges.map((r) => r.endsAt),
      ],
    );
  },
};

/** SQLSTATEs that mean "that slot was taken": exclusion violation, or the deadlock it can cause. */
export function isSlotConflict(err: unknown): boolean {
  const code =
    (err as { driverError?: { code?: string }; code?: string }).driverError?.code ??
    (err as { code?: string }).code;
  return code === '23P01' || code === '40P01';
}
