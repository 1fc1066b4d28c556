import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import type { AppointmentType, BookableStaff } from '../clinic/clinic.queries.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { TenantDb } from '../database/tenant-db.js';
import { currentTenant } from '../tenant/request-context.js';
import type { FormValues } from './appointment-form.view-model.js';
import { CalendarService } from './calendar.service.js';

/**
 * Who the booking is with: the column clicked, else the signed-in vet, else nobody (the form
 * then asks). Never the first name in the list: a wrong default books the wrong vet.
 */
export function defaultStaffId(
  staff: BookableStaff[],
  opts: { column?: string; userId?: string | null },
): string {
  const bookable = staff.filter((s) => s.active && s.takesAppointments);
  if (opts.column && bookable.some((s) => s.id === opts.column)) return opts.column;
  return bookable.find((s) => opts.userId && s.userId === opts.userId)?.id ?? '';
}

/** The type asked for when it is active, else the clinic's marked default, else none. */
export function defaultTypeId(types: AppointmentType[], requested?: string): string {
  const active = types.filter((t) => t.active);
  if (requested && active.some((t) => t.id === requested)) return requested;
  return active.find((t) => t.isDefault)?.id ?? '';
}

/** The first quarter hour after `now` on the clinic's clock. */
export function nextQuarterHour(now: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(now, { zone });
  const next = local.startOf('hour').plus({ minutes: (Math.floor(local.minute / 15) + 1) * 15 });
  return { date: next.toISODate()!, time: next.toFormat('HH:mm') };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The booking form's starting values (the page and the calendar's booking panel). */
@Injectable()
export class BookingDefaults {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ClinicSettingsService,
    private readonly calendar: CalendarService,
  ) {}

  /**
   * A slot clicked keeps its date and time; otherwise the time is the next free slot of the
   * person for the type from now (or from the start of the day asked for), else the next
   * quarter hour. `findSlot` asks for the next free slot whatever the query says.
   */
  async formValues(
    query: FormValues,
    userId: string | null,
  ): Promise<{ values: FormValues; slotFound: boolean; slotNotFound: boolean }> {
    const zone = currentTenant().timeZone;
    const schedule = await this.db.run((tx) => this.settings.schedule(tx));
    const values: FormValues = {
      repeatUnit: 'weeks',
      ...query,
      staffId: defaultStaffId(schedule.staff, { column: query.staffId, userId }),
      typeId: defaultTypeId(schedule.types, query.typeId),
    };
    const date = ClinicTime.isDate(query.date) ? query.date : null;
    if (date && HHMM.test(query.time ?? '') && !query.findSlot)
      return { values, slotFound: false, slotNotFound: false };
    const now = new Date();
    const dayStart = date ? ClinicTime.toInstant(date, '00:00', zone) : now;
    const from = dayStart > now ? dayStart : now;
    const slot =
      values.staffId && values.typeId
        ? await this.calendar.nextFreeSlotFor({
            staffId: values.staffId,
            typeId: values.typeId,
            durationMinutes: Number(query.durationMinutes) || undefined,
            from,
          })
        : null;
    const start = slot
      ? {
          date: ClinicTime.localDate(slot.startsAt, zone),
          time: ClinicTime.localTime(slot.startsAt, zone),
        }
      : nextQuarterHour(from, zone);
    return {
      values: { ...values, ...start },
      slotFound: Boolean(query.findSlot && slot),
      slotNotFound: Boolean(query.findSlot && !slot),
    };
  }
}
