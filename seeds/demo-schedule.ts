import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ClinicTime } from '../src/clinic/clinic-time.js';
import type { DemoClinic } from './demo-data.js';
import { insertRows, type Random } from './sql.js';

const TYPES = {
  es: [
    ['Consulta', 20, '#0b6e69'],
    ['Vacunación', 15, '#2e7d32'],
    ['Revisión', 15, '#1565c0'],
    ['Cirugía', 90, '#b3261e'],
    ['Peluquería', 60, '#8e24aa'],
  ],
  en: [
    ['Consultation', 20, '#0b6e69'],
    ['Vaccination', 15, '#2e7d32'],
    ['Check-up', 15, '#1565c0'],
    ['Surgery', 90, '#b3261e'],
    ['Grooming', 60, '#8e24aa'],
  ],
} as const;
const ROOMS = {
  es: ['Consulta 1', 'Consulta 2', 'Quirófano', 'Peluquería'],
  en: ['Exam 1', 'Exam 2', 'Surgery', 'Grooming'],
};
const REASONS = {
  es: [
    'Vacuna anual',
    'Cojea de la pata trasera',
    'Revisión de puntos',
    'Vómitos desde ayer',
    'Control de peso',
    'Picores en la piel',
    'Baño y corte',
  ],
  en: [
    'Annual vaccination',
    'Limping on back leg',
    'Stitches check',
    'Vomiting since yesterday',
    'Weight check',
    'Itchy skin',
    'Bath and trim',
  ],
};

/** Spanish clinics keep the split day (morning and evening); the others open straight through. */
function hoursFor(clinic: DemoClinic): { weekday: number; opens: string; closes: string }[] {
  const weekdays = [1, 2, 3, 4, 5];
  const day =
    clinic.locale === 'es'
      ? [
          ['09:00', '14:00'],
          ['16:00', '20:00'],
        ]
      : [['08:00', '18:00']];
  return [
    ...weekdays.flatMap((weekday) => day.map(([opens, closes]) => ({ weekday, opens, closes }))),
    { weekday: 6, opens: '09:00', closes: '13:00' },
  ];
}

interface StaffRow {
  id: string;
  kind: string;
  user_id: string | null;
}

/**
 * Settings and seed 002's monthly appointment count per clinic, spread over the working
 * hours of the past three weeks and the coming two, never double-booking anyone.
 */
export async function seedSchedule(opts: {
  manager: EntityManager;
  tenantId: string;
  clinic: DemoClinic;
  rng: Random;
  now?: Date;
}) {
  const { manager, tenantId, clinic, rng } = opts;
  const zone = clinic.timeZone;
  const hours = hoursFor(clinic);
  await insertRows(
    manager,
    'opening_hours',
    hours.map((h) => ({ tenant_id: tenantId, ...h })),
  );
  const roomIds = ROOMS[clinic.locale].map((name) => ({ id: randomUUID(), name }));
  await insertRows(
    manager,
    'rooms',
    roomIds.map((r) => ({ tenant_id: tenantId, ...r })),
  );
  const types = TYPES[clinic.locale].map(([name, minutes, colour], i) => ({
    id: randomUUID(),
    name,
    duration_minutes: minutes as number,
    colour,
    is_default: i === 0,
  }));
  await insertRows(
    manager,
    'appointment_types',
    types.map((t) => ({ tenant_id: tenantId, ...t })),
  );
  const staff: StaffRow[] = await manager.query(
    `select id, kind, user_id from staff where tenant_id = $1 and takes_appointments and kind <> 'nurse'`,
    [tenantId],
  );
  const pets: { id: string; client_id: string }[] = await manager.query(
    `select id, client_id from pets where tenant_id = $1`,
    [tenantId],
  );
  if (!staff.length || !pets.length) return;

  const today = ClinicTime.today(zone, opts.now);
  const nowMs = (opts.now ?? new Date()).getTime();
  const busy = new Map<string, [number, number][]>();
  const rows: Record<string, unknown>[] = [];
  let attempts = 0;
  while (rows.length < clinic.appointments && attempts++ < clinic.appointments * 50) {
    const date = ClinicTime.addDays(today, rng.int(-21, 14));
    const weekday = ClinicTime.weekday(date, zone);
    const open = hours.filter((h) => h.weekday === weekday);
    if (!open.length) continue;
    const who = rng.pick(staff);
    const grooming = who.kind === 'groomer';
    const type = grooming ? types[4] : rng.pick(types.slice(0, rng.chance(0.05) ? 4 : 3));
    const shift = rng.pick(open);
    const [oh, om] = shift.opens.split(':').map(Number);
    const [ch, cm] = shift.closes.split(':').map(Number);
    const slots = (ch * 60 + cm - (oh * 60 + om) - type.duration_minutes) / 15;
    if (slots < 0) continue;
    const startMin = oh * 60 + om + 15 * rng.int(0, Math.floor(slots));
    const time = `${String(Math.floor(startMin / 60)).padStart(2, '0')}:${String(startMin % 60).padStart(2, '0')}`;
    const start = ClinicTime.toInstant(date, time, zone).getTime();
    const end = start + type.duration_minutes * 60_000;
    const taken = busy.get(who.id) ?? [];
    if (taken.some(([s, e]) => s < end && start < e)) continue;
    taken.push([start, end]);
    busy.set(who.id, taken);
    const pet = rng.pick(pets);
    const past = end < nowMs;
    const roll = rng.next();
    const status = past
      ? roll < 0.85
        ? 'completed'
        : roll < 0.93
          ? 'no_show'
          : 'cancelled'
      : roll < 0.6
        ? 'booked'
        : roll < 0.95
          ? 'confirmed'
          : 'cancelled';
    rows.push({
      id: randomUUID(),
      tenant_id: tenantId,
      client_id: pet.client_id,
      pet_id: pet.id,
      staff_id: who.id,
      room_id: grooming ? roomIds[3].id : rng.chance(0.7) ? roomIds[rng.int(0, 1)].id : null,
      type_id: type.id,
      starts_at: new Date(start),
      ends_at: new Date(end),
      status,
      reason: grooming ? REASONS[clinic.locale][6] : rng.pick(REASONS[clinic.locale].slice(0, 6)),
      cancel_reason:
        status === 'cancelled'
          ? clinic.locale === 'es'
            ? 'El cliente no puede venir'
            : 'Client cannot make it'
          : null,
    });
  }
  // Rooms are shared: drop the room from any appointment that would double-book it.
  const roomBusy = new Map<string, [number, number][]>();
  for (const row of rows) {
    if (!row.room_id || row.status === 'cancelled' || row.status === 'no_show') continue;
    const s = (row.starts_at as Date).getTime();
    const e = (row.ends_at as Date).getTime();
    const room = row.room_id as string;
    const taken = roomBusy.get(room) ?? [];
    if (taken.some(([a, b]) => a < e && s < b)) row.room_id = null;
    else roomBusy.set(room, [...taken, [s, e]]);
  }
  await insertRows(manager, 'appointments', rows);
  // A vet who signs in holds their time across clinics (what the booking code writes).
  const userOf = new Map(staff.map((s) => [s.id, s.user_id]));
  await insertRows(
    manager,
    'staff_bookings',
    rows
      .filter(
        (r) =>
          userOf.get(r.staff_id as string) &&
          !['cancelled', 'no_show'].includes(r.status as string),
      )
      .map((r) => ({
        tenant_id: tenantId,
        appointment_id: r.id,
        user_id: userOf.get(r.staff_id as string),
        during: `[${(r.starts_at as Date).toISOString()},${(r.ends_at as Date).toISOString()})`,
      })),
  );
}
