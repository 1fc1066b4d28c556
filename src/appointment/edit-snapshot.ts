import type { AppointmentView } from './appointment.queries.js';
import type { ChangeAppointment } from './appointment.service.js';

/** What the edit form showed when it was opened, with the names it showed for the ids. */
export type EditSnapshot = NonNullable<ChangeAppointment['original']>;

/**
 * The edit form carries a snapshot of the appointment as it was opened, so that a save
 * refused because someone else saved first (StaleAppointment) can say what they changed.
 * It travels as an opaque hidden field: base64url of JSON.
 */
export function encodeEditSnapshot(a: AppointmentView): string {
  const snapshot: EditSnapshot = {
    staffId: a.staffId,
    roomId: a.roomId,
    typeId: a.typeId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    reason: a.reason,
    labels: { staffId: a.staffName, roomId: a.roomName, typeId: a.typeName },
  };
  return Buffer.from(JSON.stringify(snapshot)).toString('base64url');
}

/** The snapshot back; a missing or unreadable one is no snapshot (the change list is then empty). */
export function decodeEditSnapshot(encoded: string | undefined): EditSnapshot | undefined {
  if (!encoded) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as EditSnapshot) : undefined;
  } catch {
    return undefined;
  }
}
