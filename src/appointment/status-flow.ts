export const APPOINTMENT_STATUSES = [
  'booked',
  'confirmed',
  'checked_in',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** The day's flow: booked → confirmed → checked in → in progress → completed; or cancelled / no-show. */
const NEXT: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  booked: ['confirmed', 'checked_in', 'cancelled', 'no_show'],
  confirmed: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['in_progress', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

export function allowedTransitions(from: AppointmentStatus): readonly AppointmentStatus[] {
  return NEXT[from];
}

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses that hold their slot (the exclusion constraints' predicate). */
export function holdsSlot(status: AppointmentStatus): boolean {
  return status !== 'cancelled' && status !== 'no_show';
}

/** Only future-facing appointments can be moved or resized. */
export function isEditable(status: AppointmentStatus): boolean {
  return status === 'booked' || status === 'confirmed';
}
