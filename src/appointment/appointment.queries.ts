import { owesMoneySql } from '../billing/billing.queries.js';
import { isUuid } from '../common/ids.js';
import { type Closure, type OpeningHours, openingOf } from '../clinic/clinic.queries.js';
import { firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';
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
  /** When the patient arrived (checked in) and left (after the consult), for the today board. */
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  /** The client owes the clinic money (billing's balance). */
  clientOwes: boolean;
  /** Booked by the front desk, or by the owner on the clinic's online page. */
  source: AppointmentSource;
}

export type AppointmentSource = 'desk' | 'online';

/** A patient as the booking form's picker shows it. */
export interface PetChoice {
  id: string;
  name: string;
  species: string;
  clientName: string;
  alerts: string | null;
}

/** Who, where, what and when: the columns a booking and an edit both write. */
interface AppointmentPlacement {
  staffId: string;
  roomId: string | null;
  typeId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
  /** An edit keeps the one it had when this is null. */
  hoursOverrideReason: string | null;
}

/** What a new appointment is written with (one occurrence of a booking). */
export interface NewAppointment extends AppointmentPlacement {
  clientId: string;
  petId: string;
  seriesId: string | null;
  createdBy: string | null;
  source: AppointmentSource;
}

/** What an edit writes; it applies only at the version the form was opened on. */
export interface AppointmentChange extends AppointmentPlacement {
  version: number;
}

/**
 * The appointments chosen by `where` (over `appointments a`) with their names. The choice is
 * made first, in a MATERIALIZED CTE, so the planner always starts from the index range and
 * looks the names up by primary key (left to itself, it joined every client to every pet of
 * the clinic and probed appointments per pet). Every table outside the CTE is tied to the
 * tenant by $1, never by a.tenant_id: on Citus the CTE is an intermediate result, and a join
 * on its tenant_id is not one on the distribution column (test/integration/schema-rules).
 */
const viewSelect = (where: string) => viewOf(`select * from appointments a where ${where}`);

/** The view of the appointment rows `rows` gives (a SELECT, or an INSERT … RETURNING *). */
const viewOf = (rows: string) => `
  with a as materialized (${rows})
  select ${OWN_COLUMNS}, c.first_name || ' ' || c.last_name as "clientName",
         p.name as "petName", p.species as "petSpecies", p.alerts as "petAlerts",
         s.name as "staffName", r.name as "roomName", t.name as "typeName", t.colour,
         ${owesMoneySql('$1', 'a.client_id')} as "clientOwes"
    from a
    join clients c on c.tenant_id = $1 and c.id = a.client_id
    join pets p on p.tenant_id = $1 and p.id = a.pet_id
    join staff s on s.tenant_id = $1 and s.id = a.staff_id
    join appointment_types t on t.tenant_id = $1 and t.id = a.type_id
    left join rooms r on r.tenant_id = $1 and r.id = a.room_id`;

/** The view's columns of the appointment row itself (`a`); the rest are names it points at. */
const OWN_COLUMNS = `a.id, a.client_id as "clientId", a.pet_id as "petId", a.staff_id as "staffId",
  a.room_id as "roomId", a.type_id as "typeId", a.starts_at as "startsAt", a.ends_at as "endsAt",
  a.status, a.reason, a.cancel_reason as "cancelReason", a.checked_in_weight_kg as "checkedInWeightKg",
  a.series_id as "seriesId", a.hours_override_reason as "hoursOverrideReason", a.version,
  a.updated_at as "updatedAt", a.checked_in_at as "checkedInAt", a.checked_out_at as "checkedOutAt", a.source`;

/** What the view shows of the rows an appointment points at. */
export type AppointmentNames = Pick<
  AppointmentView,
  | 'clientName'
  | 'petName'
  | 'petSpecies'
  | 'petAlerts'
  | 'staffName'
  | 'roomName'
  | 'typeName'
  | 'colour'
  | 'clientOwes'
>;

/**
 * "Overlaps [$start, $end)" bounded on both sides of the `(tenant_id, starts_at)` index: no
 * appointment lasts longer than 24 hours (CHECK appointments_max_duration), so one that
 * overlaps starts at most that long before the range. Without the lower bound the scan
 * walks the clinic's whole history.
 */
const OVERLAPS = (start: string, end: string) =>
  `a.starts_at >= ${start}::timestamptz - interval '24 hours' and a.starts_at < ${end} and a.ends_at > ${start}`;

/**
 * What a booking's ids point at, with the names its view shows, and what its rules are
 * checked against (AppointmentQueries.bookingContext). Null where an id points at nothing
 * bookable (a deceased pet, an inactive room or a vet who takes no appointments).
 */
export interface BookingContext {
  pet: {
    clientId: string;
    name: string;
    species: string;
    alerts: string | null;
    clientName: string;
    clientOwes: boolean;
  } | null;
  type: { durationMinutes: number; active: boolean; name: string; colour: string } | null;
  staff: { userId: string | null; name: string } | null;
  room: { name: string } | null;
  /** The clinic's reminder lead, for the owner's messages. */
  reminderHoursBefore: number | null;
  hours: OpeningHours[];
  /** The closures overlapping the range asked. */
  closures: Closure[];
}

/** All appointment SQL lives here: one place per module for queries. */
export const AppointmentQueries = {
  byId(tx: TenantTx, id: string): Promise<AppointmentView | null> {
    return firstRow<AppointmentView>(tx.manager, viewSelect('a.tenant_id = $1 and a.id = $2'), [
      tx.tenantId,
      id,
    ]);
  },

  /** A calendar's range in one query, whatever the number of appointments. */
  inRange(
    tx: TenantTx,
    range: { start: Date; end: Date; staffId?: string },
  ): Promise<AppointmentView[]> {
    const params: unknown[] = [tx.tenantId, range.start, range.end];
    const byStaff = range.staffId ? `and a.staff_id = $${params.push(range.staffId)}` : '';
    return tx.manager.query<AppointmentView[]>(
      `${viewSelect(`a.tenant_id = $1 and ${OVERLAPS('$2', '$3')} ${byStaff}`)}
        order by a.starts_at, s.name`,
      params,
    );
  },

  /**
   * Serialises bookings per vet and room (STACK-NOTES.md: concurrent inserts under a GiST
   * exclusion constraint can deadlock; with the lock every loser gets a clean conflict).
   */
  async lockResources(tx: TenantTx, keys: string[]): Promise<void> {
    // Always in the same order, so two bookings never wait for each other in a cycle: one
    // statement takes them one after the other, in the array's order (a scan of unnest).
    // It reads no table, so on Citus it runs (and locks) on the coordinator, as before.
    await tx.manager.query(
      `select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest($1::text[]) as k`,
      [[...new Set(keys)].sort()],
    );
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
    return tx.manager.query<ClashSummary[]>(
      `select a.id, a.starts_at as "startsAt", a.ends_at as "endsAt", p.name as "petName", s.name as "staffName"
         from appointments a
         join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
         join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
        where a.tenant_id = $1 and a.status not in ('cancelled', 'no_show')
          and (a.staff_id = $2 or (a.room_id is not null and a.room_id = $3))
          and ($4::uuid is null or a.id <> $4)
          and ${OVERLAPS('$7', '$8')}
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
        new Date(Math.min(...opts.ranges.map((r) => r.startsAt.getTime()))),
        new Date(Math.max(...opts.ranges.map((r) => r.endsAt.getTime()))),
      ],
    );
  },

  type(tx: TenantTx, typeId: string): Promise<{ durationMinutes: number; active: boolean } | null> {
    return firstRow<{ durationMinutes: number; active: boolean }>(
      tx.manager,
      `select duration_minutes as "durationMinutes", active from appointment_types where tenant_id = $1 and id = $2`,
      [tx.tenantId, typeId],
    );
  },

  /**
   * Everything a booking reads, in one round trip: the living pet and its owner, the type,
   * the bookable vet (and their login) and the active room, with the names the booking's view
   * shows; the clinic's reminder lead; its opening hours and the closures overlapping
   * `range`. A part is null when it is unknown (or not a UUID). The query is the database
   * function `booking_context` (migration 1734500000000), whose plan each server connection
   * keeps: planned afresh, it cost PostgreSQL more than the rest of the booking.
   */
  async bookingContext(
    tx: TenantTx,
    ids: { petId: string; typeId: string; staffId: string; roomId: string | null },
    range: { start: Date; end: Date },
  ): Promise<BookingContext> {
    const uuid = (id: string | null) => (isUuid(id) ? id : null);
    const found = await firstRow<{
      context: Omit<BookingContext, 'hours' | 'closures'> & {
        hours?: OpeningHours[];
        closures?: Closure[];
      };
    }>(tx.manager, `select booking_context($1, $2, $3, $4, $5, $6, $7) as context`, [
      tx.tenantId,
      uuid(ids.petId),
      uuid(ids.typeId),
      uuid(ids.staffId),
      uuid(ids.roomId),
      range.start,
      range.end,
    ]);
    const row = found?.context;
    return {
      pet: row?.pet ?? null,
      type: row?.type ?? null,
      staff: row?.staff ?? null,
      room: row?.room ?? null,
      reminderHoursBefore: row?.reminderHoursBefore ?? null,
      ...openingOf(row ?? null),
    };
  },

  /** A vet who takes appointments, with the login they may share with other clinics. */
  bookableStaff(tx: TenantTx, staffId: string): Promise<{ userId: string | null } | null> {
    return firstRow<{ userId: string | null }>(
      tx.manager,
      `select user_id as "userId" from staff where tenant_id = $1 and id = $2 and active and takes_appointments`,
      [tx.tenantId, staffId],
    );
  },

  async activeRoom(tx: TenantTx, roomId: string): Promise<boolean> {
    const rows = await tx.manager.query<unknown[]>(
      `select 1 from rooms where tenant_id = $1 and id = $2 and active`,
      [tx.tenantId, roomId],
    );
    return rows.length > 0;
  },

  petChoice(tx: TenantTx, petId: string): Promise<PetChoice | null> {
    return firstRow<PetChoice>(
      tx.manager,
      `select p.id, p.name, p.species, p.alerts, c.first_name || ' ' || c.last_name as "clientName"
         from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
        where p.tenant_id = $1 and p.id = $2`,
      [tx.tenantId, petId],
    );
  },

  /** Inserts the appointment and answers its view, in one statement. */
  /**
   * Writes the appointment; its view is the row as written with the names the booking read
   * (bookingContext), so the statement joins nothing.
   */
  async insert(tx: TenantTx, a: NewAppointment, names: AppointmentNames): Promise<AppointmentView> {
    const [row] = await tx.manager.query<Omit<AppointmentView, keyof AppointmentNames>[]>(
      `insert into appointments as a (tenant_id, client_id, pet_id, staff_id, room_id, type_id, starts_at, ends_at,
                                      reason, series_id, hours_override_reason, created_by, source)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning ${OWN_COLUMNS}`,
      [
        tx.tenantId,
        a.clientId,
        a.petId,
        a.staffId,
        a.roomId,
        a.typeId,
        a.startsAt,
        a.endsAt,
        a.reason,
        a.seriesId,
        a.hoursOverrideReason,
        a.createdBy,
        a.source,
      ],
    );
    return { ...row, ...names };
  },

  /** False when the appointment is no longer at `change.version` (someone saved first). */
  async update(tx: TenantTx, id: string, change: AppointmentChange): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      tx.manager,
      `update appointments set staff_id = $3, room_id = $4, type_id = $5, starts_at = $6, ends_at = $7, reason = $8,
              hours_override_reason = coalesce($9, hours_override_reason), version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2 and version = $10 returning id`,
      [
        tx.tenantId,
        id,
        change.staffId,
        change.roomId,
        change.typeId,
        change.startsAt,
        change.endsAt,
        change.reason,
        change.hoursOverrideReason,
        change.version,
      ],
    );
    return rows.length > 0;
  },

  /**
   * A vet's hold on their time across clinics (staff_bookings, whose exclusion constraint
   * over the user spans tenants), written in the booking's transaction: held while the
   * appointment is active and its vet is a user, released otherwise. A clash with another
   * clinic fails this statement with 23P01.
   */
  async holdVetTime(
    tx: TenantTx,
    appointmentId: string,
    hold: { userId: string | null; startsAt: Date; endsAt: Date } | null,
  ): Promise<void> {
    if (!hold?.userId) {
      await tx.manager.query(
        'delete from staff_bookings where tenant_id = $1 and appointment_id = $2',
        [tx.tenantId, appointmentId],
      );
      return;
    }
    await tx.manager.query(
      `insert into staff_bookings (tenant_id, appointment_id, user_id, during) values ($1, $2, $3, tstzrange($4, $5))
       on conflict (tenant_id, appointment_id) do update set user_id = excluded.user_id, during = excluded.during`,
      [tx.tenantId, appointmentId, hold.userId, hold.startsAt, hold.endsAt],
    );
  },

  /** A status move; the cancel reason and check-in weight are kept as they were when null. */
  async setStatus(
    tx: TenantTx,
    id: string,
    to: { status: AppointmentStatus; cancelReason: string | null; weightKg: number | null },
  ): Promise<void> {
    // The check-in time is set only by a check-in: chosen here, not by a CASE around now(),
    // which Citus refuses (a non-immutable function inside CASE or COALESCE).
    const checkIn = to.status === 'checked_in' ? 'checked_in_at = now(),' : '';
    await tx.manager.query(
      `update appointments set status = $3, cancel_reason = coalesce($4, cancel_reason),
              checked_in_weight_kg = coalesce($5, checked_in_weight_kg), ${checkIn}
              version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2`,
      [tx.tenantId, id, to.status, to.cancelReason, to.weightKg],
    );
  },

  /** Points an appointment at another client and pet of the clinic (an online request matched). */
  async setPatient(
    tx: TenantTx,
    id: string,
    patient: { clientId: string; petId: string },
  ): Promise<void> {
    await tx.manager.query(
      `update appointments set client_id = $3, pet_id = $4, version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2`,
      [tx.tenantId, id, patient.clientId, patient.petId],
    );
  },

  /** Removes an appointment that never became one (an online hold whose owner never confirmed). */
  async delete(tx: TenantTx, id: string): Promise<void> {
    await tx.manager.query('delete from appointments where tenant_id = $1 and id = $2', [
      tx.tenantId,
      id,
    ]);
  },

  /** A pet's or a client's appointments, newest first (the history on their pages). */
  history(
    tx: TenantTx,
    of: { petId?: string; clientId?: string },
    limit = 50,
  ): Promise<AppointmentView[]> {
    const column = of.petId ? 'a.pet_id' : 'a.client_id';
    return tx.manager.query<AppointmentView[]>(
      `${viewSelect(`a.tenant_id = $1 and ${column} = $2 order by a.starts_at desc limit $3`)}
        order by a.starts_at desc`,
      [tx.tenantId, of.petId ?? of.clientId, limit],
    );
  },

  /** The staff columns this user chose to see on the day view (empty: every column). */
  async calendarColumns(tx: TenantTx, userId: string): Promise<string[]> {
    const row = await firstRow<{ staffIds: string[] }>(
      tx.manager,
      `select staff_ids as "staffIds" from user_calendar_prefs where tenant_id = $1 and user_id = $2`,
      [tx.tenantId, userId],
    );
    return row?.staffIds ?? [];
  },

  async saveCalendarColumns(tx: TenantTx, userId: string, staffIds: string[]): Promise<void> {
    await tx.manager.query(
      `insert into user_calendar_prefs (tenant_id, user_id, staff_ids) values ($1, $2, $3::uuid[])
       on conflict (tenant_id, user_id) do update
         set staff_ids = excluded.staff_ids, updated_at = excluded.updated_at`,
      [tx.tenantId, userId, staffIds],
    );
  },

  /** The patient went home after the consult; false when it was not completed or already gone. */
  async checkOut(tx: TenantTx, id: string): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      tx.manager,
      `update appointments set checked_out_at = now(), version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2 and status = 'completed' and checked_out_at is null
        returning id`,
      [tx.tenantId, id],
    );
    return rows.length > 0;
  },
};

type DriverError = { code?: string; constraint?: string };

/** SQLSTATEs that mean "that slot was taken": exclusion violation, or the deadlock it can cause. */
export function isSlotConflict(err: unknown): boolean {
  const code = driverError(err).code;
  return code === '23P01' || code === '40P01';
}

/**
 * What a failed booking write means: `vet_elsewhere` when the cross-clinic constraint
 * (staff_bookings_no_overlap, written by holdVetTime) refused it, `taken` for any other slot
 * conflict, null when it was no slot conflict at all.
 */
export function slotConflictOf(err: unknown): 'vet_elsewhere' | 'taken' | null {
  if (!isSlotConflict(err)) return null;
  return driverError(err).constraint === 'staff_bookings_no_overlap' ? 'vet_elsewhere' : 'taken';
}

/** pg's error fields, on TypeORM's QueryFailedError (`driverError`) or on the error itself. */
function driverError(err: unknown): DriverError {
  const e = (err ?? {}) as DriverError & { driverError?: DriverError };
  return {
    code: e.driverError?.code ?? e.code,
    constraint: e.driverError?.constraint ?? e.constraint,
  };
}
