import { appError } from '../common/app-error.js';
import type { AppointmentStatus } from './status-flow.js';

export interface ClashSummary {
  id: string;
  startsAt: Date;
  endsAt: Date;
  petName: string;
  staffName: string;
}

/** The vet or room already has an appointment then. */
export class AppointmentConflict extends appError('appointment_conflict', 409, { field: 'start' }) {
  override get details() {
    return this.clash ? { clash: this.clash } : undefined;
  }

  constructor(readonly clash: ClashSummary | null) {
    super(
      clash
        ? `${clash.staffName} already has ${clash.petName} from ${clash.startsAt.toISOString()} to ${clash.endsAt.toISOString()}`
        : 'That time is already taken',
    );
  }
}

/**
 * A booking's time was taken when it was written (an exclusion constraint): what it wanted,
 * so the conflict can be named once its transaction is over. An AppointmentConflict without a
 * clash to whoever catches it inside the transaction (the online booking page).
 */
export class SlotsTaken extends AppointmentConflict {
  constructor(
    readonly wanted: {
      staffId: string;
      roomId: string | null;
      ranges: { startsAt: Date; endsAt: Date }[];
    },
  ) {
    super(null);
  }
}

export class SeriesConflict extends appError('series_conflict', 409, { field: 'repeat' }) {
  override get details() {
    return { clashes: this.clashes };
  }

  constructor(readonly clashes: ClashSummary[]) {
    super(
      `${clashes.length} occurrences clash: ${clashes.map((c) => c.startsAt.toISOString()).join(', ')}`,
    );
  }
}

/** A booking in the past is usually a typo: it needs the form's explicit confirmation. */
export class PastTimeUnconfirmed extends appError('past_time_unconfirmed', 422, {
  field: 'time',
  message: 'That time has passed: confirm to book it anyway',
}) {}

export class SlotOutsideOpeningHours extends appError('outside_opening_hours', 422, {
  field: 'start',
  message: 'The clinic is closed at that time',
}) {}

export class SlotInClosure extends appError('slot_in_closure', 422, { field: 'start' }) {
  constructor(reason: string) {
    super(`That time is blocked: ${reason}`, { reason });
  }
}

export class IllegalStatusTransition extends appError('illegal_transition', 409, {
  field: 'status',
}) {
  constructor(from: AppointmentStatus, to: AppointmentStatus) {
    super(`An appointment that is ${from} cannot become ${to}`, { from, to });
  }
}

/** Only a patient whose consult is done (and who has not left yet) can be checked out. */
export class NotReadyToGo extends appError('not_ready_to_go', 409, {
  message: 'Only a patient whose consult is done can leave',
}) {}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

/** Someone else saved the appointment after this form was opened. */
export class StaleAppointment extends appError('stale_appointment', 409) {
  override get details() {
    return { changes: this.changes };
  }

  constructor(readonly changes: FieldChange[]) {
    super(
      `The appointment was changed by someone else: ${changes.map((c) => c.field).join(', ') || 'status'}`,
    );
  }
}

export class AppointmentNotEditable extends appError('appointment_not_editable', 409) {
  constructor(status: AppointmentStatus) {
    super(`An appointment that is ${status} cannot be moved`, { status });
  }
}

export class UnknownReference extends appError('unknown_reference', 400) {
  constructor(override readonly field: string) {
    super(`Unknown ${field}`);
  }
}

/** The vet is booked at another clinic then; nothing more of that clinic is told. */
export class VetBusyElsewhere extends appError('vet_busy_elsewhere', 409, {
  field: 'start',
  message: 'This vet is booked at another clinic at that time',
}) {}
