import type { ClinicSchedule } from '../clinic/clinic.queries.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { formErrors } from '../web/form-errors.js';
import { AppointmentConflict, SeriesConflict, StaleAppointment } from './appointment.errors.js';
import type { AppointmentView } from './appointment.queries.js';
import { encodeEditSnapshot } from './edit-snapshot.js';

export type FormValues = Record<string, string | undefined>;

/**
 * The shared form errors (src/web/form-errors.ts) plus what only booking shows: the
 * appointment in the way, a series' clashing dates, and what a colleague changed meanwhile.
 * Instants stay instants: the template formats them in the clinic's zone and the page's
 * language (`formatDateTime`), like every other date on the pages.
 */
export function appointmentFormErrors(err: unknown) {
  const errors = formErrors(err);
  // An instant in a change list (a new start) is a Date for the template; a name stays text.
  const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : null);
  return {
    ...errors,
    clash: err instanceof AppointmentConflict && err.clash ? err.clash : null,
    clashes: err instanceof SeriesConflict ? err.clashes : null,
    changes:
      err instanceof StaleAppointment
        ? err.changes.map((c) => ({ ...c, fromAt: instant(c.from), toAt: instant(c.to) }))
        : null,
  };
}

/** The edit form's values: the appointment in clinic-local time, and the snapshot it was opened with. */
export function editFormValues(a: AppointmentView, zone: string): FormValues {
  return {
    version: String(a.version),
    staffId: a.staffId,
    roomId: a.roomId ?? '',
    typeId: a.typeId,
    date: ClinicTime.localDate(a.startsAt, zone),
    time: ClinicTime.localTime(a.startsAt, zone),
    durationMinutes: String(Math.round((a.endsAt.getTime() - a.startsAt.getTime()) / 60000)),
    reason: a.reason ?? '',
    original: encodeEditSnapshot(a),
  };
}

/** What the form offers: only active vets who take appointments, active rooms and types. */
export function bookingChoices(schedule: ClinicSchedule, values: FormValues) {
  const option = (id: string, label: string, selectedId: string | undefined) => ({
    value: id,
    label,
    selected: id === selectedId,
  });
  return {
    // Nothing is preselected unless booking-defaults.ts chose it: the form says "Choose…".
    staff: schedule.staff
      .filter((s) => s.active && s.takesAppointments)
      .map((s) => option(s.id, s.name, values.staffId)),
    types: schedule.types
      .filter((t) => t.active)
      .map((t) => ({
        ...option(t.id, `${t.name} (${t.durationMinutes} min)`, values.typeId),
        duration: t.durationMinutes,
      })),
    rooms: schedule.rooms.filter((r) => r.active).map((r) => option(r.id, r.name, values.roomId)),
    repeatUnits: (['weeks', 'days'] as const).map((unit) => ({
      value: unit,
      selected: unit === values.repeatUnit,
    })),
  };
}
