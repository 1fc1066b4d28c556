import { IANAZone } from 'luxon';
import { z } from 'zod';
import { calendarDate, checkbox, requiredText } from '../common/validation.js';

/** The settings page's forms; messages are catalog keys (`validation.*`). */
const hhmm = z
  .string({ error: 'validation.time' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'validation.time' });
const date = calendarDate('validation.dateFormat');
/** A room or staff member to restrict a closure to; empty means the whole clinic. */
const optionalChoice = z
  .string({ error: 'validation.choose' })
  .optional()
  .transform((v) => v || null)
  .pipe(z.string().uuid({ error: 'validation.choose' }).nullable());
/** Rooms and types: an id to change one, none to add one. */
const named = {
  id: z
    .string()
    .uuid({ error: 'validation.invalid' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  name: requiredText(80),
  active: checkbox,
};

export const TimeZoneForm = z.object({
  timeZone: z
    .string({ error: 'validation.timeZone' })
    .refine((v) => IANAZone.isValidZone(v), { error: 'validation.timeZone' }),
});

/** A text field's trimmed value; '' when absent, null when not text (a repeated field). */
const typed = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : null);

/** The week's hours: fields `d<weekday>_<n>_opens` / `_closes`, up to two intervals a day. */
export function parseHours(body: Record<string, unknown>) {
  const hours: { weekday: number; opens: string; closes: string }[] = [];
  const fields: Record<string, string> = {};
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (const n of [1, 2]) {
      const opens = typed(body[`d${weekday}_${n}_opens`]);
      const closes = typed(body[`d${weekday}_${n}_closes`]);
      if (opens === '' && closes === '') continue;
      const key = `d${weekday}_${n}`;
      if (!opens || !closes || !hhmm.safeParse(opens).success || !hhmm.safeParse(closes).success)
        fields[key] = 'validation.hoursFormat';
      else if (closes <= opens) fields[key] = 'validation.closesAfterOpens';
      else hours.push({ weekday, opens, closes });
    }
  }
  return { hours, fields };
}

/** A closure as the manager types it, in clinic-local dates and times (closure-period.ts). */
export const ClosureForm = z.object({
  startDate: date,
  startTime: hhmm,
  endDate: date,
  endTime: hhmm,
  staffId: optionalChoice,
  roomId: optionalChoice,
  reason: requiredText(200, 'validation.closureReason'),
});
export type ClosureForm = z.output<typeof ClosureForm>;

export const RoomForm = z.object(named);

export const TypeForm = z.object({
  ...named,
  isDefault: checkbox,
  durationMinutes: z.coerce
    .number({ error: 'validation.duration' })
    .int({ error: 'validation.duration' })
    .min(5, { error: 'validation.duration' })
    .max(480, { error: 'validation.duration' }),
  colour: z
    .string({ error: 'validation.colour' })
    .regex(/^#[0-9a-f]{6}$/, { error: 'validation.colour' }),
});

/** One calendar column a place up or down in the clinic's order, or the default order back. */
export const ColumnMoveForm = z.object({
  direction: z.enum(['up', 'down', 'reset'], { error: 'validation.invalid' }),
  staffId: z
    .string()
    .uuid({ error: 'validation.choose' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
