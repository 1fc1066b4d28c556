import { ValidationFailed } from '../common/app-error.js';
import type { ClosureForm } from './clinic-settings.forms.js';
import { ClinicTime } from './clinic-time.js';

const MAX_CLOSURE_MS = 366 * 86_400_000;

export interface ClosurePeriod {
  startsAt: Date;
  endsAt: Date;
  staffId: string | null;
  roomId: string | null;
  reason: string;
}

/**
 * A closure typed in clinic-local dates and times, as instants. The rule: it ends after it
 * starts, compared as instants (a local comparison is wrong across a DST change), and lasts
 * at most 366 days.
 */
export function closurePeriod(form: ClosureForm, timeZone: string): ClosurePeriod {
  const startsAt = ClinicTime.toInstant(form.startDate, form.startTime, timeZone);
  const endsAt = ClinicTime.toInstant(form.endDate, form.endTime, timeZone);
  if (endsAt <= startsAt) throw new ValidationFailed({ endTime: 'validation.endAfterStart' });
  // The database refuses longer ones (closures_max_duration): it bounds every closure range scan.
  if (endsAt.getTime() - startsAt.getTime() > MAX_CLOSURE_MS)
    throw new ValidationFailed({ endDate: 'validation.closureTooLong' });
  return { startsAt, endsAt, staffId: form.staffId, roomId: form.roomId, reason: form.reason };
}
