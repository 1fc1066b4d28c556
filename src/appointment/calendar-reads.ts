import { ClinicTime } from '../clinic/clinic-time.js';
import type { CachedPart } from '../web/cached-page.js';

/** The calendar's query string as it arrives (a repeated name arrives as an array). */
export interface CalendarQuery {
  date?: unknown;
  view?: unknown;
  by?: unknown;
}

type By = 'staff' | 'room';

function dateOrToday(value: unknown, timeZone: string): string {
  return ClinicTime.isDate(value) ? value : ClinicTime.today(timeZone);
}

export function calendarNav(date: string, view: 'day' | 'week', by: By, timeZone: string) {
  return {
    date,
    today: ClinicTime.today(timeZone),
    prev: ClinicTime.addDays(date, view === 'week' ? -7 : -1),
    next: ClinicTime.addDays(date, view === 'week' ? 7 : 1),
    by,
    view,
  };
}

/** Today's grid shows the current-time line: cached per minute, other days until a write. */
function nowMinute(date: string, now: Date, timeZone: string): number | null {
  return date === ClinicTime.today(timeZone) ? Math.floor(now.getTime() / 60_000) : null;
}

/**
 * What a calendar page (the day or the week) shows for a query, in the clinic's zone, and
 * the cached part it is: the controller renders it, the fast lane (src/web/fast-lane.ts)
 * finds the same part in the cache, so both name it from this one function.
 */
export function calendarPage(query: CalendarQuery, timeZone: string, now: Date) {
  const date = dateOrToday(query.date, timeZone);
  const by: By = query.by === 'room' ? 'room' : 'staff';
  const week = query.view === 'week';
  const nav = calendarNav(date, week ? 'week' : 'day', by, timeZone);
  const minute = week ? null : nowMinute(date, now, timeZone);
  const params = { date, by, today: nav.today, minute };
  const part: CachedPart = week
    ? { view: 'calendar-week', params }
    : { view: 'calendar-day', params, byUser: true };
  return { date, by, week, nav, part };
}

/** The day grid alone (the live refresh after a socket event or a reconnect): same idea. */
export function calendarGrid(query: CalendarQuery, timeZone: string, now: Date) {
  const date = dateOrToday(query.date, timeZone);
  const by: By = query.by === 'room' ? 'room' : 'staff';
  const part: CachedPart = {
    view: 'calendar-grid',
    params: { date, by, minute: nowMinute(date, now, timeZone) },
    byUser: true,
  };
  return { date, by, part };
}
