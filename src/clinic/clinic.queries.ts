import { firstRow, type TenantTx } from '../database/tenant-db.js';

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
  /** The clinic's usual type, preselected when booking (at most one). */
  isDefault: boolean;
  /** Owners may book it on the clinic's online page. */
  offeredOnline: boolean;
}
export interface BookableStaff {
  id: string;
  name: string;
  kind: string;
  takesAppointments: boolean;
  active: boolean;
  /** The login of this person, if they have one (the signed-in vet's own column). */
  userId: string | null;
  /** The clinic's order of calendar columns (null: after those placed, vets first). */
  calendarPosition: number | null;
  /** Owners may book with them on the clinic's online page. */
  offeredOnline: boolean;
}

/** Everything the calendar needs to know about the clinic, read in a fixed number of queries. */
export interface ClinicSchedule {
  hours: OpeningHours[];
  rooms: Room[];
  types: AppointmentType[];
  staff: BookableStaff[];
}

const HHMM = (column: string) => `to_char(${column}, 'HH24:MI')`;

/** The longest closure (CHECK closures_max_duration): the lower bound of every closure range scan. */
const CLOSURE_MAX = `interval '366 days'`;
const CLOSURE_COLUMNS = `id, starts_at as "startsAt", ends_at as "endsAt", staff_id as "staffId",
  room_id as "roomId", reason`;
/** Closures overlapping [$2, $3), bounded on both sides for the index. */
const CLOSURES_BETWEEN = `select ${CLOSURE_COLUMNS}
  from closures where tenant_id = $1 and starts_at >= $2::timestamptz - ${CLOSURE_MAX}
   and starts_at < $3 and ends_at > $2`;

/**
 * Updates row `id` of `table` with `values` (returning its id, or null when there is no such
 * row), or inserts a new row when there is no id. Columns are constants of this file.
 */
async function saveRow(
  tx: TenantTx,
  table: string,
  values: Record<string, unknown>,
  id?: string,
): Promise<string | null> {
  const columns = Object.keys(values);
  const params = Object.values(values);
  const row = await firstRow<{ id: string }>(
    tx.manager,
    id
      ? `update ${table} set ${columns.map((c, i) => `${c} = $${i + 3}`).join(', ')}
          where tenant_id = $1 and id = $2 returning id`
      : `insert into ${table} (tenant_id, ${columns.join(', ')})
         values ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')}) returning id`,
    id ? [tx.tenantId, id, ...params] : [tx.tenantId, ...params],
  );
  return row?.id ?? null;
}

/** A sub-select's rows as one JSON array, in `order`. */
const jsonRows = (alias: string, order: string, sql: string) =>
  `(select coalesce(json_agg(${alias} order by ${order}), '[]') from (${sql}) ${alias})`;

const HOURS_JSON = jsonRows(
  'h',
  'h.weekday, h.opens',
  `select id, weekday, ${HHMM('opens')} as opens,
          case when closes = '24:00' then '24:00' else ${HHMM('closes')} end as closes
     from opening_hours where tenant_id = $1`,
);

/**
 * Opening hours and closures read as JSON columns (`hours`, `closures`), as the schedule and
 * the booking context (the `booking_context` function) carry them: JSON has the instants as
 * text.
 */
export function openingOf(row: { hours?: OpeningHours[]; closures?: Closure[] } | null): {
  hours: OpeningHours[];
  closures: Closure[];
} {
  return {
    hours: row?.hours ?? [],
    closures: (row?.closures ?? []).map((c) => ({
      ...c,
      startsAt: new Date(c.startsAt),
      endsAt: new Date(c.endsAt),
    })),
  };
}

const SCHEDULE_PARTS = `${HOURS_JSON} as hours,
  ${jsonRows('r', 'r.name', 'select id, name, active from rooms where tenant_id = $1')} as rooms,
  ${jsonRows(
    't',
    't.name',
    `select id, name, duration_minutes as "durationMinutes", colour, active,
            is_default as "isDefault", offered_online as "offeredOnline"
       from appointment_types where tenant_id = $1`,
  )} as types,
  ${jsonRows(
    's',
    's.name',
    `select id, name, kind, takes_appointments as "takesAppointments", active,
            user_id as "userId", calendar_position as "calendarPosition",
            offered_online as "offeredOnline"
       from staff where tenant_id = $1`,
  )} as staff`;

/**
 * The clinic's schedule (and with `closuresIn`, its closures there) in one statement: each
 * statement through pgBouncer is a round trip, and a page needs all of these together.
 */
async function readSchedule(
  tx: TenantTx,
  closuresIn?: { start: Date; end: Date },
): Promise<ClinicSchedule & { closures: Closure[] }> {
  const row = await firstRow<ClinicSchedule & { closures?: Closure[] }>(
    tx.manager,
    closuresIn
      ? `select ${SCHEDULE_PARTS}, ${jsonRows('c', 'c."startsAt"', CLOSURES_BETWEEN)} as closures`
      : `select ${SCHEDULE_PARTS}`,
    closuresIn ? [tx.tenantId, closuresIn.start, closuresIn.end] : [tx.tenantId],
  );
  return {
    ...openingOf(row),
    rooms: row?.rooms ?? [],
    types: row?.types ?? [],
    staff: row?.staff ?? [],
  };
}

/** SQL of the clinic module (hours, closures, rooms, appointment types). Filters tenant_id = $1. */
export const ClinicQueries = {
  /** Everything the calendar needs to know about the clinic, in one statement. */
  async schedule(tx: TenantTx): Promise<ClinicSchedule> {
    const { hours, rooms, types, staff } = await readSchedule(tx);
    return { hours, rooms, types, staff };
  },

  /** The schedule and the closures overlapping `range`, in the same one statement. */
  scheduleWithClosures(
    tx: TenantTx,
    range: { start: Date; end: Date },
  ): Promise<ClinicSchedule & { closures: Closure[] }> {
    return readSchedule(tx, range);
  },

  closuresBetween(tx: TenantTx, range: { start: Date; end: Date }): Promise<Closure[]> {
    return tx.manager.query<Closure[]>(`${CLOSURES_BETWEEN} order by starts_at`, [
      tx.tenantId,
      range.start,
      range.end,
    ]);
  },

  /** Closures not yet over (the settings page). */
  upcomingClosures(tx: TenantTx): Promise<Closure[]> {
    return tx.manager.query<Closure[]>(
      `select ${CLOSURE_COLUMNS}
         from closures where tenant_id = $1 and starts_at >= now() - ${CLOSURE_MAX} and ends_at > now()
        order by starts_at limit 200`,
      [tx.tenantId],
    );
  },

  /** The week's hours as stored, for the audit record of a change. */
  storedHours(tx: TenantTx): Promise<{ weekday: number; opens: string; closes: string }[]> {
    return tx.manager.query<{ weekday: number; opens: string; closes: string }[]>(
      `select weekday, opens, closes from opening_hours where tenant_id = $1 order by weekday, opens`,
      [tx.tenantId],
    );
  },

  async replaceHours(
    tx: TenantTx,
    hours: { weekday: number; opens: string; closes: string }[],
  ): Promise<void> {
    await tx.manager.query('delete from opening_hours where tenant_id = $1', [tx.tenantId]);
    for (const h of hours) {
      await tx.manager.query(
        'insert into opening_hours (tenant_id, weekday, opens, closes) values ($1, $2, $3, $4)',
        [tx.tenantId, h.weekday, h.opens, h.closes],
      );
    }
  },

  async insertClosure(tx: TenantTx, closure: Omit<Closure, 'id'>): Promise<string> {
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into closures (tenant_id, starts_at, ends_at, staff_id, room_id, reason)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        tx.tenantId,
        closure.startsAt,
        closure.endsAt,
        closure.staffId,
        closure.roomId,
        closure.reason,
      ],
    );
    return row.id;
  },

  /** The removed closure as stored (for the audit record); null when there was none. */
  deleteClosure(
    tx: TenantTx,
    id: string,
  ): Promise<{ reason: string; starts_at: Date; ends_at: Date } | null> {
    return firstRow<{ reason: string; starts_at: Date; ends_at: Date }>(
      tx.manager,
      `delete from closures where tenant_id = $1 and id = $2 returning reason, starts_at, ends_at`,
      [tx.tenantId, id],
    );
  },

  /** The room's id; null when `room.id` names no room of the clinic. */
  saveRoom(tx: TenantTx, room: { id?: string; name: string; active: boolean }) {
    return saveRow(tx, 'rooms', { name: room.name, active: room.active }, room.id);
  },

  /** The type's id; null when `type.id` names no appointment type of the clinic. */
  async saveType(
    tx: TenantTx,
    type: Omit<AppointmentType, 'id' | 'offeredOnline'> & { id?: string },
  ) {
    const { name, durationMinutes, colour, active } = type;
    // One default per clinic (a unique index): the new one takes the mark from the old.
    if (type.isDefault)
      await tx.manager.query(
        `update appointment_types set is_default = false
          where tenant_id = $1 and is_default and id is distinct from $2::uuid`,
        [tx.tenantId, type.id ?? null],
      );
    return saveRow(
      tx,
      'appointment_types',
      { name, duration_minutes: durationMinutes, colour, active, is_default: type.isDefault },
      type.id,
    );
  },

  /** Offers exactly these appointment types on the clinic's online booking page. */
  async setTypesOfferedOnline(tx: TenantTx, typeIds: string[]): Promise<void> {
    await tx.manager.query(
      `update appointment_types set offered_online = (id = any($2::uuid[])) where tenant_id = $1`,
      [tx.tenantId, typeIds],
    );
  },

  /** Points a type at the price list's service billed for it (null: none); false when no such type. */
  async setTypeService(tx: TenantTx, typeId: string, serviceId: string | null): Promise<boolean> {
    return (
      (await saveRow(tx, 'appointment_types', { default_service_id: serviceId }, typeId)) !== null
    );
  },
};
