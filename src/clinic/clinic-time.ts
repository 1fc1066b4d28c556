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
    return new Date(remembered(`i|${date}|${time}|${zone}`, () => instantMs(date, time, zone)));
  },

  /** The clinic's day as [start, end) instants. */
  dayRange(date: string, zone: string): { start: Date; end: Date } {
    const [start, end] = remembered(`d|${date}|${zone}`, () => dayBounds(date, zone));
    return { start: new Date(start), end: new Date(end) };
  },

  /** The clinic's date at `now`: asked on every page, so each zone's current day is kept. */
  today(zone: string, now = new Date()): string {
    const at = now.getTime();
    const known = todays.get(zone);
    if (known && at >= known.start && at < known.end) return known.date;
    const date = DateTime.fromJSDate(now, { zone }).toISODate()!;
    const [start, end] = remembered(`d|${date}|${zone}`, () => dayBounds(date, zone));
    if (todays.size >= MAX_ANSWERS) todays.clear();
    todays.set(zone, { date, start, end });
    return date;
  },

  localDate(instant: Date, zone: string): string {
    return DateTime.fromJSDate(instant, { zone }).toISODate()!;
  },

  localTime(instant: Date, zone: string): string {
    return DateTime.fromJSDate(instant, { zone }).toFormat('HH:mm');
  },

  /** ISO weekday (1 = Monday) of a clinic-local date. */
  weekday(date: string, zone: string): number {
    return remembered(`w|${date}|${zone}`, () => DateTime.fromISO(date, { zone }).weekday);
  },

  addDays(date: string, days: number): string {
    return remembered(`a|${date}|${days}`, () =>
      DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!,
    );
  },

  /** Monday of the week that holds `date`. */
  weekStart(date: string): string {
    return DateTime.fromISO(date, { zone: 'UTC' }).startOf('week').toISODate()!;
  },

  /**
   * The clinic's clock over a span (a day or a week), for many instants: the zone's UTC
   * offset is looked up once per DST segment of the span, and each instant is then plain
   * arithmetic instead of a time-zone conversion. Instants outside the span are converted.
   */
  clock(zone: string, span: { start: Date; end: Date }): LocalClock {
    const [from, to] = [span.start.getTime(), span.end.getTime()];
    const segments = remembered(`s|${zone}|${from}|${to}`, () => offsetSegments(zone, from, to));
    const shifted = (instant: Date): number | null => {
      const ms = instant.getTime();
      for (let i = segments.length - 1; i >= 0; i--)
        if (ms >= segments[i].from)
          return ms < span.end.getTime() ? ms + segments[i].offsetMs : null;
      return null;
    };
    const minutes = (instant: Date): number => {
      const local = shifted(instant);
      if (local !== null) return Math.floor(local / 60_000) % 1440;
      const { hour, minute } = DateTime.fromJSDate(instant, { zone });
      return hour * 60 + minute;
    };
    return {
      minutes,
      time: (instant) => {
        const m = minutes(instant);
        return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
      },
      date: (instant) => {
        const local = shifted(instant);
        return local === null
          ? ClinicTime.localDate(instant, zone)
          : new Date(local).toISOString().slice(0, 10);
      },
    };
  },

  isDate(value: unknown): value is string {
    return (
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      remembered(`v|${value}`, () => DateTime.fromISO(value).isValid)
    );
  },
};

/**
 * Date arithmetic of a clinic's clock, remembered: a page asks the same few questions (its
 * day's bounds, its opening hours as instants) many times, and each answer through the
 * time-zone database costs far more than a lookup. Answers never change; the map is bounded.
 */
const answers = new Map<string, unknown>();
const MAX_ANSWERS = 20_000;

/** Each zone's day as last asked for: its date and its [start, end) instants. */
const todays = new Map<string, { date: string; start: number; end: number }>();

function remembered<T>(key: string, compute: () => T): T {
  if (key.length > 120) return compute();
  if (answers.has(key)) return answers.get(key) as T;
  const answer = compute();
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(key, answer);
  return answer;
}

function instantMs(date: string, time: string, zone: string): number {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) throw new InvalidLocalDate(`${date} ${time}`);
  // Luxon moves a skipped time forward; refuse it instead of booking a time nobody asked for.
  if (local.toFormat('yyyy-MM-dd HH:mm') !== `${date} ${time}`)
    throw new NonexistentLocalTime(date, time, zone);
  const earlier = local.minus({ hours: 1 });
  if (earlier.toFormat('yyyy-MM-dd HH:mm') === `${date} ${time}`) return earlier.toMillis();
  return local.toMillis();
}

function dayBounds(date: string, zone: string): [number, number] {
  const day = DateTime.fromISO(date, { zone });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InvalidLocalDate(date);
  return [day.startOf('day').toMillis(), day.plus({ days: 1 }).startOf('day').toMillis()];
}

/** `HH:mm` and `YYYY-MM-DD` of instants on one clinic's clock (ClinicTime.clock). */
export interface LocalClock {
  /** Minutes since local midnight (0–1439), for Translator.formatTimeOfDay. */
  minutes(instant: Date): number;
  time(instant: Date): string;
  date(instant: Date): string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * [from, next from) pieces of [start, end) with one UTC offset each: the offset is checked
 * at both ends of a piece, and a piece whose ends differ is halved (on minute boundaries)
 * until the change is found, so a day costs a few dozen offset look-ups at most.
 */
function offsetSegments(zone: string, start: number, end: number) {
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset * 60_000;
  const segments: { from: number; offsetMs: number }[] = [];
  const split = (from: number, to: number) => {
    const first = offsetAt(from);
    if (first === offsetAt(to - 1) || to - from <= 60_000) {
      if (segments.at(-1)?.offsetMs !== first) segments.push({ from, offsetMs: first });
      return;
    }
    const mid = from + Math.max(60_000, Math.floor((to - from) / 120_000) * 60_000);
    split(from, mid);
    split(mid, to);
  };
  if (end > start) split(start, end);
  return segments;
}
