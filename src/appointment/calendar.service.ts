import { Injectable } from '@nestjs/common';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { isUuid } from '../common/ids.js';
import { TenantDb } from '../database/tenant-db.js';
import { AppointmentQueries, type AppointmentView } from './appointment.queries.js';
import { firstFreeSlot, openingIntervals, type Slot } from './availability.js';
import { holdsSlot } from './status-flow.js';

const STEP_MS = 15 * 60_000;
const DEFAULT_DAY = { opens: '08:00', closes: '18:00' };

export interface CalendarColumn {
  id: string;
  name: string;
  index: number;
}

export interface PlacedAppointment extends AppointmentView {
  column: number;
  row: number;
  span: number;
  time: string;
  endTime: string;
}

export interface DayView {
  date: string;
  by: 'staff' | 'room';
  columns: CalendarColumn[];
  rows: { index: number; label: string; time: string; startsAt: string; isHour: boolean }[];
  placed: PlacedAppointment[];
  inactive: AppointmentView[];
  closed: boolean;
  nowRow: number | null;
}

/** Calendar view models: a fixed number of queries per view, whatever the number of appointments. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
  ) {}

  day(date: string, by: 'staff' | 'room', now = new Date()): Promise<DayView> {
    return this.db.run(async (tx) => {
      const zone = tx.tenant.timeZone;
      const range = ClinicTime.dayRange(date, zone);
      const schedule = await this.settings.schedule(tx);
      const appointments = await AppointmentQueries.inRange(tx, range);
      const columns = (
        by === 'room'
          ? schedule.rooms.filter((r) => r.active)
          : schedule.staff.filter((s) => s.active && s.takesAppointments)
      ).map((c, index) => ({ id: c.id, name: c.name, index: index + 2 }));

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
        const label = clock.time(at);
        rows.push({
          index: i,
          label,
          time: label,
          startsAt: at.toISOString(),
          isHour: label.endsWith(':00'),
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
            time: clock.time(a.startsAt),
            endTime: clock.time(a.endsAt),
          },
        ];
      });
      const nowMs = now.getTime();
      return {
        date,
        by,
        columns,
        rows,
        placed,
        inactive: appointments.filter((a) => !holdsSlot(a.status)),
        closed: open.length === 0,
        nowRow: nowMs >= gridStart && nowMs < gridEnd ? 2 + (nowMs - gridStart) / STEP_MS : null,
      };
    });
  }

  week(date: string) {
    const monday = ClinicTime.weekStart(date);
    const days = Array.from({ length: 7 }, (_, i) => ClinicTime.addDays(monday, i));
    return this.db.run(async (tx) => {
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
              time: clock.time(a.startsAt),
              active: holdsSlot(a.status),
            })),
        })),
      };
    });
  }

  /** The appointments that start on the clinic-local day, all statuses (the API's day list). */
  dayList(date: string): Promise<AppointmentView[]> {
    return this.db.run(async (tx) => {
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
    return this.db.run(async (tx) => {
      const schedule = await this.settings.schedule(tx);
      const closures = await this.settings.closures(tx, { start: from, end: until });
      const busy = (
        await AppointmentQueries.inRange(tx, { start: from, end: until, staffId: opts.staffId })
      ).filter((a) => holdsSlot(a.status));
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
