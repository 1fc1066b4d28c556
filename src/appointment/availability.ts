import { ClinicTime } from '../clinic/clinic-time.js';
import type { Closure, OpeningHours } from '../clinic/clinic.queries.js';

export interface Slot {
  startsAt: Date;
  endsAt: Date;
}

/** An opening interval of one local date as instants ('24:00' closes at the next midnight). */
export function openingIntervals(date: string, zone: string, hours: OpeningHours[]): Slot[] {
  const weekday = ClinicTime.weekday(date, zone);
  return hours
    .filter((h) => h.weekday === weekday)
    .map((h) => ({
      startsAt: lenientInstant(date, h.opens, zone),
      endsAt:
        h.closes === '24:00'
          ? ClinicTime.dayRange(date, zone).end
          : lenientInstant(date, h.closes, zone),
    }));
}

/** Opening hours that fall in a skipped hour move forward, as the clocks do. */
function lenientInstant(date: string, time: string, zone: string): Date {
  try {
    return ClinicTime.toInstant(date, time, zone);
  } catch {
    return new Date(ClinicTime.dayRange(date, zone).start.getTime() + minutes(time) * 60_000);
  }
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

export function withinOpeningHours(slot: Slot, zone: string, hours: OpeningHours[]): boolean {
  const date = ClinicTime.localDate(slot.startsAt, zone);
  return openingIntervals(date, zone, hours).some(
    (o) => o.startsAt <= slot.startsAt && slot.endsAt <= o.endsAt,
  );
}

/** The first closure that blocks the slot for the whole clinic, this vet or this room. */
export function blockingClosure(
  slot: Slot,
  closures: Closure[],
  staffId: string,
  roomId: string | null,
): Closure | undefined {
  return closures.find(
    (c) =>
      c.startsAt < slot.endsAt &&
      slot.startsAt < c.endsAt &&
      ((c.staffId === null && c.roomId === null) ||
        c.staffId === staffId ||
        (roomId !== null && c.roomId === roomId)),
  );
}

const STEP_MS = 15 * 60_000;

/** Where a vet's free time is looked for: from `from`, over `days` clinic-local days. */
export interface FreeTimeQuery {
  from: Date;
  days: number;
  zone: string;
  durationMinutes: number;
  hours: OpeningHours[];
  closures: Closure[];
  busy: Slot[];
  staffId: string;
}

/**
 * Every start at or after `from`, on the 15-minute grid, where the vet is free for
 * `durationMinutes` inside opening hours and outside closures, in order. The front desk's
 * "next free slot" and the owners' online page both read their slots from here.
 */
export function* freeSlots(opts: FreeTimeQuery): Generator<Slot> {
  const duration = opts.durationMinutes * 60_000;
  let date = ClinicTime.localDate(opts.from, opts.zone);
  for (let d = 0; d < opts.days; d++, date = ClinicTime.addDays(date, 1)) {
    for (const open of openingIntervals(date, opts.zone, opts.hours)) {
      const first = Math.max(
        open.startsAt.getTime(),
        Math.ceil(opts.from.getTime() / STEP_MS) * STEP_MS,
      );
      for (let t = first; t + duration <= open.endsAt.getTime(); t += STEP_MS) {
        const slot = { startsAt: new Date(t), endsAt: new Date(t + duration) };
        const taken = opts.busy.some((b) => b.startsAt < slot.endsAt && slot.startsAt < b.endsAt);
        if (!taken && !blockingClosure(slot, opts.closures, opts.staffId, null)) yield slot;
      }
    }
  }
}

/** The first of freeSlots, or null when the vet has no free time in those days. */
export function firstFreeSlot(opts: FreeTimeQuery): Slot | null {
  for (const slot of freeSlots(opts)) return slot;
  return null;
}
