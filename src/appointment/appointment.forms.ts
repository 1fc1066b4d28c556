import { z } from 'zod';
import { calendarDate, checkbox, decimalComma, positiveInt } from '../common/validation.js';
import { decodeEditSnapshot } from './edit-snapshot.js';
import { APPOINTMENT_STATUSES } from './status-flow.js';

/** Messages are catalog keys (`validation.*`): pages show them in the clinic's language. */
const choice = z.string({ error: 'validation.choose' }).uuid({ error: 'validation.choose' });
const optionalChoice = z
  .string({ error: 'validation.choose' })
  .optional()
  .transform((v) => (v ? v : null))
  .pipe(z.string().uuid({ error: 'validation.choose' }).nullable());
const date = calendarDate('validation.dateFormat');
const time = z
  .string({ error: 'validation.time' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'validation.time' });
const version = positiveInt();
const optionalText = (max: number) =>
  z
    .string({ error: 'validation.text' })
    .trim()
    .max(max, { error: 'validation.tooLong' })
    .optional()
    .transform((v) => (v ? v : null));
const optionalInt = (min: number, max: number, error: string) =>
  z
    .union(
      [
        z.literal(''),
        z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
      ],
      {
        error,
      },
    )
    .optional()
    .transform((v) => (v === '' || v === undefined ? undefined : v));

/** The booking form (and the API's create body). */
export const BookForm = z
  .object({
    petId: choice,
    staffId: choice,
    roomId: optionalChoice,
    typeId: choice,
    date,
    time,
    durationMinutes: optionalInt(5, 480, 'validation.duration'),
    reason: optionalText(500),
    repeatEvery: optionalInt(1, 52, 'validation.repeat'),
    repeatUnit: z.enum(['days', 'weeks'], { error: 'validation.invalid' }).default('weeks'),
    repeatCount: optionalInt(1, 52, 'validation.repeat'),
    overrideReason: optionalText(200),
    /** Booking a time that has passed (entering yesterday's walk-in) must be asked for. */
    confirmPast: checkbox,
  })
  .transform((f) => ({
    ...f,
    repeat:
      f.repeatCount && f.repeatCount > 1
        ? { every: f.repeatEvery ?? 1, unit: f.repeatUnit, count: f.repeatCount }
        : null,
  }));

/** Editing an appointment; `original` is the snapshot the edit form carried (edit-snapshot.ts). */
export const ChangeForm = z.object({
  version,
  staffId: choice,
  roomId: optionalChoice,
  typeId: choice,
  date,
  time,
  durationMinutes: z.coerce
    .number({ error: 'validation.duration' })
    .int({ error: 'validation.duration' })
    .min(5, { error: 'validation.duration' })
    .max(480, { error: 'validation.duration' }),
  reason: optionalText(500),
  overrideReason: optionalText(200),
  original: z.string({ error: 'validation.invalid' }).optional().transform(decodeEditSnapshot),
});

export const MoveForm = z.object({
  version,
  date,
  time,
  staffId: z.string().uuid({ error: 'validation.choose' }).optional(),
});

export const StatusForm = z.object({
  to: z.enum(APPOINTMENT_STATUSES, { error: 'validation.invalid' }),
  version: version.optional(),
  weightKg: z
    .preprocess(
      decimalComma,
      z.union(
        [
          z.literal(''),
          z.coerce
            .number({ error: 'validation.weight' })
            .positive({ error: 'validation.weight' })
            .max(2000, { error: 'validation.weight' }),
        ],
        { error: 'validation.weight' },
      ),
    )
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  cancelReason: optionalText(300),
});

/** The day view's choose-columns control: `all`, or the ticked staff (My column sends one). */
export const ColumnsForm = z.object({
  staffIds: z
    .union([z.string(), z.array(z.string())], { error: 'validation.choose' })
    .optional()
    .transform((v) => (v === undefined ? [] : ([] as string[]).concat(v)))
    .pipe(z.array(z.string().uuid({ error: 'validation.choose' }))),
  choice: z.enum(['all', 'mine', 'chosen'], { error: 'validation.invalid' }).default('chosen'),
});
