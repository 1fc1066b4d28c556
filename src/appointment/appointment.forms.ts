import { z } from 'zod';
import { APPOINTMENT_STATUSES } from './status-flow.js';

const uuid = z.string().uuid('choose one from the list');
const optionalUuid = z
  .string()
  .optional()
  .transform((v) => (v ? v : null))
  .pipe(z.string().uuid().nullable());
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use the format YYYY-MM-DD');
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use the format HH:MM');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));
const optionalInt = (min: number, max: number) =>
  z
    .union([z.literal(''), z.coerce.number().int().min(min).max(max)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? undefined : v));

/** The booking form (and the API's create body). */
export const BookForm = z
  .object({
    petId: uuid,
    staffId: uuid,
    roomId: optionalUuid,
    typeId: uuid,
    date,
    time,
    durationMinutes: optionalInt(5, 480),
    reason: optionalText(500),
    repeatEvery: optionalInt(1, 52),
    repeatUnit: z.enum(['days', 'weeks']).default('weeks'),
    repeatCount: optionalInt(1, 52),
    overrideReason: optionalText(200),
  })
  .transform((f) => ({
    ...f,
    repeat:
      f.repeatCount && f.repeatCount > 1
        ? { every: f.repeatEvery ?? 1, unit: f.repeatUnit, count: f.repeatCount }
        : null,
  }));

export const ChangeForm = z.object({
  version: z.coerce.number().int().min(1),
  staffId: uuid,
  roomId: optionalUuid,
  typeId: uuid,
  date,
  time,
  durationMinutes: z.coerce.number().int().min(5, 'at least 5 minutes').max(480, 'at most 8 hours'),
  reason: optionalText(500),
  overrideReason: optionalText(200),
  original: z.string().optional(),
});

export const MoveForm = z.object({
  version: z.coerce.number().int().min(1),
  date,
  time,
  staffId: z.string().uuid().optional(),
});

export const StatusForm = z.object({
  to: z.enum(APPOINTMENT_STATUSES),
  version: z.coerce.number().int().min(1).optional(),
  weightKg: z
    .union([z.literal(''), z.coerce.number().positive('must be more than 0').max(2000)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  cancelReason: optionalText(300),
});
