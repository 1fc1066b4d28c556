import { DateTime } from 'luxon';
import { appError } from '../common/app-error.js';

/** A wall-clock time that the clinic's clock skips (the spring-forward gap). */
export class NonexistentLocalTime extends appError('nonexistent_local_time', 422, {
  field: 'time',
}) {
  constructor(date: string, time: string, zone: string) {
    super(`${date} ${time} does not exist in ${zone} (the clocks skip it)`, { date, time });
  }
}

export class InvalidLocalDate extends appError('invalid_date', 400, { field: 'date' }) {
  constructor(value: string) {
    super(`Not a date: ${value}`);
  }
}

/**
 * Clinic-local time. Every instant is stored as timestamptz; pages show and accept the
 * clinic's wall-clock time, and a day runs from local midnight to the next one (23 or 25
 * hours on DST change days).
 */
export const ClinicTime = {
  /** `YYYY-MM-DD` + `HH:mm` on the clinic's clock → the instant. Ambiguous (autumn) times take the first. */
  toInstant(date: string, time: string, zone: string): Date {
    const local = DateTime.fromISO(`${date}T${time}`, { zone });
    if (!local.isValid) throw new InvalidLocalDate(`${date} ${time}`);
    // Luxon moves a skipped time forward; refuse it instead of booking a time nobody asked for.
    if (local.toFormat('yyyy-MM-dd HH:mm') !== `${date} ${time}`)
      throw new NonexistentLocalTime(date, time, zone);
    const earlier = local.minus({ hours: 1 });
    if (earlier.toFormat('yyyy-MM-dd HH:mm') === `${date} ${time}`) return earlier.toJSDate();
    return local.toJSDate();
  },

  /** The clinic's day as [start, end) instants. */
  dayRange(date: string, zone: string): { start: Date; end: Date } {
    const day = DateTime.fromISO(date, { zone });
    if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InvalidLocalDate(date);
    return {
      start: day.startOf('day').toJSDate(),
      end: day.plus({ days: 1 }).startOf('day').toJSDate(),
    };
  },

  today(zone: string, now = new Date()): string {
    return DateTime.fromJSDate(now, { zone }).toISODate()!;
  },

  localDate(instant: Date, zone: string): string {
    return DateTime.fromJSDate(instant, { zone }).toISODate()!;
  },

  localTime(instant: Date, zone: string): string {
    return DateTime.fromJSDate(instant, { zone }).toFormat('HH:mm');
  },

  /** ISO weekday (1 = Monday) of a clinic-local date. */
  weekday(date: string, zone: string): number {
    return DateTime.fromISO(date, { zone }).weekday;
  },

  addDays(date: string, days: number): string {
    return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
  },

  /** Monday of the week that holds `date`. */
  weekStart(date: string): string {
    return DateTime.fromISO(date, { zone: 'UTC' }).startOf('week').toISODate()!;
  },

  isDate(value: unknown): value is string {
    return (
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      DateTime.fromISO(value).isValid
    );
  },
};
