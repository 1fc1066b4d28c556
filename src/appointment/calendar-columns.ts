import { inCalendarOrder } from '../clinic/calendar-order.js';
import type { BookableStaff, Closure, Room } from '../clinic/clinic.queries.js';
import type { Slot } from './availability.js';

export interface ColumnChoice {
  id: string;
  name: string;
  /** The signed-in person's own column. */
  mine: boolean;
  /** Shown on this user's calendar (their choice of columns, all by default). */
  shown: boolean;
}

/**
 * The day view's staff columns in the clinic's order: its own positions first, then vets
 * before other staff, then by name. `chosen` is the user's remembered choice (empty: all).
 */
export function staffColumns(
  staff: BookableStaff[],
  opts: { chosen: string[]; userId: string | null },
): ColumnChoice[] {
  const bookable = inCalendarOrder(staff.filter((s) => s.active && s.takesAppointments));
  const chosen = opts.chosen.filter((id) => bookable.some((s) => s.id === id));
  return bookable.map((s) => ({
    id: s.id,
    name: s.name,
    mine: opts.userId !== null && s.userId === opts.userId,
    shown: chosen.length === 0 || chosen.includes(s.id),
  }));
}

export function roomColumns(rooms: Room[]): ColumnChoice[] {
  return rooms
    .filter((r) => r.active)
    .map((r) => ({ id: r.id, name: r.name, mine: false, shown: true }));
}

/** A quarter hour outside opening hours, or blocked for its column by a closure. */
export type Shade = 'closed' | 'blocked' | null;

/** Is the quarter hour outside opening hours, or blocked for this column by a closure? */
export function shading(
  slot: Slot,
  opts: { open: Slot[]; closures: Closure[]; by: 'staff' | 'room'; columnId: string },
): Shade {
  const inside = opts.open.some((o) => o.startsAt <= slot.startsAt && slot.endsAt <= o.endsAt);
  if (!inside) return 'closed';
  const blocked = opts.closures.some(
    (c) =>
      c.startsAt < slot.endsAt &&
      slot.startsAt < c.endsAt &&
      ((c.staffId === null && c.roomId === null) ||
        (opts.by === 'staff' ? c.staffId === opts.columnId : c.roomId === opts.columnId)),
  );
  return blocked ? 'blocked' : null;
}
