import { Injectable } from '@nestjs/common';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { isUuid } from '../common/ids.js';
import { TenantDb } from '../database/tenant-db.js';
import { type Locale, Translator } from '../i18n/i18n.js';
import { AppointmentQueries, type AppointmentView } from './appointment.queries.js';
import { firstFreeSlot, openingIntervals, type Slot } from './availability.js';
import {
  type ColumnChoice,
  roomColumns,
  type Shade,
  shading,
  staffColumns,
} from './calendar-columns.js';
import { holdsSlot } from './status-flow.js';

const STEP_MS = 15 * 60_000;
const DEFAULT_DAY = { opens: '08:00', closes: '18:00' };

export interface CalendarColumn extends ColumnChoice {
  index: number;
}

export interface PlacedAppointment extends AppointmentView {
  column: number;
  row: number;
  span: number;
  /** Start and end as shown: the page locale's clock ("1:15 PM", "13:15"). */
  time: string;
  endTime: string;
  short: boolean;
}

export interface DayView {
  date: string;
  by: 'staff' | 'room';
  columns: CalendarColumn[];
  /** Every column with whether this user shows it (the choose-columns control). */
  choices: ColumnChoice[];
  /** The signed-in person's own column, when they have one. */
  myColumn: string | null;
  rows: {
    index: number;
    /** The row's time as shown, in the page locale's clock; `time` is `HH:mm` for forms. */
    label: string;
    time: string;
    startsAt: string;
    isHour: boolean;
    /** One per shown column, in order: outside opening hours ('closed') or in a closure ('blocked'). */
    shades: Shade[];
  }[];
  placed: PlacedAppointment[];
  inactive: AppointmentView[];
  closed: boolean;
  /** The grid row of the current quarter hour, and how far into it now is (0–1). */
  nowRow: number | null;
  nowFraction: number;
}

/** Calendar view models: a fixed number of queries per view, whatever the number of appointments. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
    private readonly translator: Translator,
  ) {}

  day(
    date: string,
    by: 'staff' | 'room',
    opts: { locale: Locale; userId?: string | null; now?: Date },
  ): Promise<DayView> {
    const now = opts.now ?? new Date();
    const userId = opts.userId ?? null;
    const shown = (minutes: number) => this.translator.formatTimeOfDay(opts.locale, minutes);
    return this.db.readTogether(async (tx) => {
      const zone = tx.tenant.timeZone;
      const range = ClinicTime.dayRange(date, zone);
      const [schedule, appointments, chosen] = await Promise.all([
        this.settings.scheduleWithClosures(tx, range),
        AppointmentQueries.inRange(tx, range),
        userId ? AppointmentQueries.calendarColumns(tx, userId) : [],
      ]);
      const closures = schedule.closures;
      const choices =
        by === 'room'
          ? roomColumns(schedule.rooms)
          : staffColumns(schedule.staff, { chosen, userId });
      const columns = choices
        .filter((c) => c.shown)
        .map((c, index) => ({ ...c, index: index + 2 }));

      const open = openingIntervals(date, zone, schedule.hours);
      const active = appointments.filter((a) => holdsSlot(a.status));
      const bounds = [
        ...open.flatMap((o) => [o.startsAt.getTime(), o.endsAt.getTime()]),
        ...active.flatMap((a) => [a.startsAt.getTime(), a.endsAt.getTime()]),
      ];
      const start = bounds.length
        ? Math.min(...bounds)
        : ClinicTime.toInstant(date, DEFAULT_DAY.opens, zone).getTime();
      const end = bounds.length
        ? Math.max(...bounds)
        : ClinicTime.toInstant(date, DEFAULT_DAY.closes, zone).getTime();
      const gridStart = Math.max(range.start.getTime(), Math.floor(start / STEP_MS) * STEP_MS);
      const gridEnd = Math.min(range.end.getTime(), Math.ceil(end / STEP_MS) * STEP_MS);

      // Rows step through instants, so a 23- or 25-hour day has the right rows and labels.
      const clock = ClinicTime.clock(zone, range);
      const rows = [];
      for (let t = gridStart, i = 2; t < gridEnd; t += STEP_MS, i++) {
        const at = new Date(t);
        const minutes = clock.minutes(at);
        const quarter = { startsAt: at, endsAt: new Date(t + STEP_MS) };
        rows.push({
          index: i,
          label: shown(minutes),
          time: clock.time(at),
          startsAt: at.toISOString(),
          isHour: minutes % 60 === 0,
          shades: columns.map((c) => shading(quarter, { open, closures, by, columnId: c.id })),
        });
      }
      const columnOf = new Map(columns.map((c) => [c.id, c.index]));
      const placed: PlacedAppointment[] = active.flatMap((a) => {
        const column = columnOf.get((by === 'room' ? a.roomId : a.staffId) ?? '');
        if (!column) return [];
        const from = Math.max(a.startsAt.getTime(), gridStart);
        return [
          {
            ...a,
            column,
            row: 2 + Math.floor((from - gridStart) / STEP_MS),
            span: Math.max(1, Math.ceil((a.endsAt.getTime() - from) / STEP_MS)),
            time: shown(clock.minutes(a.startsAt)),
            endTime: shown(clock.minutes(a.endsAt)),
            // 15–20 minutes: one line (time, pet, owner); the rest on hover or focus.
            short: a.endsAt.getTime() - a.startsAt.getTime() <= 20 * 60_000,
          },
        ];
      });
      const nowMs = now.getTime();
      return {
        date,
        by,
        columns,
        choices,
        myColumn: choices.find((c) => c.mine)?.id ?? null,
        rows,
        placed,
        inactive: appointments.filter((a) => !holdsSlot(a.status)),
        closed: open.length === 0,
        nowRow:
          nowMs >= gridStart && nowMs < gridEnd
            ? 2 + Math.floor((nowMs - gridStart) / STEP_MS)
            : null,
        nowFraction: Math.round((((nowMs - gridStart) % STEP_MS) / STEP_MS) * 100) / 100,
      };
    });
  }

  /** Remembers which staff columns this user sees (none: all of them). */
  chooseColumns(userId: string, staffIds: string[]): Promise<void> {
    return this.db.run((tx) => AppointmentQueries.saveCalendarColumns(tx, userId, staffIds));
  }

  week(date: string, locale: Locale) {
    const monday = ClinicTime.weekStart(date);
    const days = Array.from({ length: 7 }, (_, i) => ClinicTime.addDays(monday, i));
    return this.db.readTogether(async (tx) => {
      const zone = tx.tenant.timeZone;
      const range = {
        start: ClinicTime.dayRange(days[0], zone).start,
        end: ClinicTime.dayRange(days[6], zone).end,
      };
      const appointments = await AppointmentQueries.inRange(tx, range);
      const clock = ClinicTime.clock(zone, range);
      return {
        monday,
        days: days.map((d) => ({
          date: d,
          appointments: appointments
            .filter((a) => clock.date(a.startsAt) === d)
            .map((a) => ({
              ...a,
              time: this.translator.formatTimeOfDay(locale, clock.minutes(a.startsAt)),
              active: holdsSlot(a.status),
            })),
        })),
      };
    });
  }

  /** The appointments that start on the clinic-local day, all statuses (the API's day list). */
  dayList(date: string): Promise<AppointmentView[]> {
    return this.db.readTogether(async (tx) => {
      const range = ClinicTime.dayRange(date, tx.tenant.timeZone);
      const appointments = await AppointmentQueries.inRange(tx, range);
      return appointments.filter((a) => a.startsAt >= range.start);
    });
  }

  /** The next free slot for a vet and an appointment type (its usual length unless given). */
  async nextFreeSlotFor(opts: {
    staffId: string;
    typeId: string;
    durationMinutes?: number;
    from?: Date;
  }): Promise<Slot | null> {
    if (!isUuid(opts.staffId) || !isUuid(opts.typeId)) return null;
    const duration =
      opts.durationMinutes ??
      (await this.db.run(async (tx) => AppointmentQueries.type(tx, opts.typeId)))?.durationMinutes;
    return duration
      ? this.nextFreeSlot({ staffId: opts.staffId, durationMinutes: duration, from: opts.from })
      : null;
  }

  /** The vet's first free slot for this type from now on (30 days ahead at most). */
  nextFreeSlot(opts: {
    staffId: string;
    durationMinutes: number;
    from?: Date;
  }): Promise<Slot | null> {
    const from = opts.from ?? new Date();
    const until = new Date(from.getTime() + 31 * 86400_000);
    return this.db.readTogether(async (tx) => {
      const [schedule, booked] = await Promise.all([
        this.settings.scheduleWithClosures(tx, { start: from, end: until }),
        AppointmentQueries.inRange(tx, { start: from, end: until, staffId: opts.staffId }),
      ]);
      const closures = schedule.closures;
      const busy = booked.filter((a) => holdsSlot(a.status));
      return firstFreeSlot({
        from,
        days: 31,
        zone: tx.tenant.timeZone,
        durationMinutes: opts.durationMinutes,
        hours: schedule.hours,
        closures,
        busy,
        staffId: opts.staffId,
      });
    });
  }
}
