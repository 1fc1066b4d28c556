import { AppError } from '../common/app-error.js';
import type { AppointmentStatus } from './status-flow.js';

export interface ClashSummary {
  id: string;
  startsAt: Date;
  endsAt: Date;
  petName: string;
  staffName: string;
}

/** The vet or room already has an appointment then. */
export class AppointmentConflict extends AppError {
  readonly code = 'appointment_conflict';
  readonly status = 409;
  override readonly field = 'start';
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

export class SeriesConflict extends AppError {
  readonly code = 'series_conflict';
  readonly status = 409;
  override readonly field = 'repeat';
  override get details() {
    return { clashes: this.clashes };
  }

  constructor(readonly clashes: ClashSummary[]) {
    super(
      `${clashes.length} occurrences clash: ${clashes.map((c) => c.startsAt.toISOString()).join(', ')}`,
    );
  }
}

export class SlotOutsideOpeningHours extends AppError {
  readonly code = 'outside_opening_hours';
  readonly status = 422;
  override readonly field = 'start';
  constructor() {
    super('The clinic is closed at that time');
  }
}

export class SlotInClosure extends AppError {
  readonly code = 'slot_in_closure';
  readonly status = 422;
  override readonly field = 'start';
  constructor(readonly reason: string) {
    super(`That time is blocked: ${reason}`);
    Object.assign(this.params, { reason });
  }
}

export class IllegalStatusTransition extends AppError {
  readonly code = 'illegal_transition';
  readonly status = 409;
  override readonly field = 'status';
  constructor(from: AppointmentStatus, to: AppointmentStatus) {
    super(`An appointment that is ${from} cannot become ${to}`);
    Object.assign(this.params, { from, to });
  }
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

/** Someone else saved the appointment after this form was opened. */
export class StaleAppointment extends AppError {
  readonly code = 'stale_appointment';
  readonly status = 409;
  override get details() {
    return { changes: this.changes };
  }

  constructor(readonly changes: FieldChange[]) {
    super(
      `The appointment was changed by someone else: ${changes.map((c) => c.field).join(', ') || 'status'}`,
    );
  }
}

export class AppointmentNotEditable extends AppError {
  readonly code = 'appointment_not_editable';
  readonly status = 409;
  constructor(status: AppointmentStatus) {
    super(`An appointment that is ${status} cannot be moved`);
    Object.assign(this.params, { status });
  }
}

export class UnknownReference extends AppError {
  readonly code = 'unknown_reference';
  readonly status = 400;
  constructor(override readonly field: string) {
    super(`Unknown ${field}`);
  }
}

/** The vet is booked at another clinic then; nothing more of that clinic is told. */
export class VetBusyElsewhere extends AppError {
  readonly code = 'vet_busy_elsewhere';
  readonly status = 409;
  override readonly field = 'start';
  constructor() {
    super('This vet is booked at another clinic at that time');
  }
}
