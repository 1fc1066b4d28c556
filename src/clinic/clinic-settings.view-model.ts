import type { FormErrors } from '../web/form-errors.js';
import { inCalendarOrder } from './calendar-order.js';
import type { ClinicSchedule, Closure } from './clinic.queries.js';

/** The settings page's sections, each its own page (`/settings/<section>`). */
export const SETTINGS_SECTIONS = [
  'hours',
  'closures',
  'rooms',
  'types',
  'staff',
  'online',
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

type Body = Record<string, string | undefined>;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
/** Fields of the room and type rows: many forms share these names, so their messages are listed on top. */
const ROW_FIELDS = ['id', 'name', 'active', 'durationMinutes', 'colour'];

const option = (value: string, label: string, selected?: string) => ({
  value,
  label,
  selected: value === selected,
});

/** Every IANA zone the runtime knows, with the clinic's own first when it is an alias. */
function timeZoneOptions(current: string) {
  const zones = Intl.supportedValuesOf('timeZone');
  return (zones.includes(current) ? zones : [current, ...zones]).map((z) =>
    option(z, z.replaceAll('_', ' '), current),
  );
}

/** What views/clinic/settings.hbs needs for one section, after a save or a refused form. */
export function settingsViewModel(input: {
  section: SettingsSection;
  data: ClinicSchedule & { closures: Closure[]; onlineBooking: boolean };
  timeZone: string;
  saved?: string | null;
  error?: FormErrors;
  values?: Body;
}) {
  const { data, error } = input;
  const fields = error?.fields ?? {};
  const values = input.values ?? {};
  const staff = data.staff.filter((s) => s.active);
  return {
    section: input.section,
    saved: input.saved ?? null,
    error,
    values,
    timeZones: timeZoneOptions(values.timeZone ?? input.timeZone),
    days: WEEKDAYS.map((weekday) => {
      const intervals = data.hours.filter((h) => h.weekday === weekday);
      return {
        weekday,
        first: intervals[0] ?? null,
        second: intervals[1] ?? null,
        firstError: fields[`d${weekday}_1`],
        secondError: fields[`d${weekday}_2`],
      };
    }),
    closures: data.closures.map((c) => ({
      ...c,
      staffName: data.staff.find((s) => s.id === c.staffId)?.name,
      roomName: data.rooms.find((r) => r.id === c.roomId)?.name,
    })),
    rowErrors: ROW_FIELDS.filter((f) => fields[f]).map((f) => fields[f]),
    closureStaff: staff.map((s) => option(s.id, s.name, values.staffId)),
    closureRooms: data.rooms
      .filter((r) => r.active)
      .map((r) => option(r.id, r.name, values.roomId)),
    rooms: data.rooms,
    types: data.types,
    staff,
    online: {
      enabled: data.onlineBooking,
      types: data.types.filter((t) => t.active),
      staff: staff.filter((s) => s.takesAppointments),
    },
    columnOrder: inCalendarOrder(staff.filter((s) => s.takesAppointments)).map((s, i, all) => ({
      ...s,
      first: i === 0,
      last: i === all.length - 1,
    })),
    customOrder: staff.some((s) => s.calendarPosition !== null),
  };
}
