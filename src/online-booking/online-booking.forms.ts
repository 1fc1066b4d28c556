import { z } from 'zod';
import { calendarDate, requiredText } from '../common/validation.js';
import { SPECIES } from '../pet/species.js';

/** The public page's forms; messages are catalog keys (`validation.*`, `online.validation.*`). */
const uuid = z.string({ error: 'validation.choose' }).uuid({ error: 'validation.choose' });

/** A slot as the page offers it: `<staff id>|<start as an ISO instant>`. */
const slot = z
  .string({ error: 'online.validation.slot' })
  .regex(/^[0-9a-f-]{36}\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, {
    error: 'online.validation.slot',
  })
  .transform((v) => {
    const [staffId, start] = v.split('|');
    return { staffId, startsAt: new Date(start) };
  })
  .refine((v) => z.string().uuid().safeParse(v.staffId).success && !isNaN(+v.startsAt), {
    error: 'online.validation.slot',
  });

/** What the page shows: a type, optionally one person, and a day. */
export const SlotQuery = z.object({
  typeId: uuid.optional().catch(undefined),
  staffId: uuid.optional().catch(undefined),
  date: calendarDate().optional().catch(undefined),
});
export type SlotQuery = z.output<typeof SlotQuery>;

/** A booking request: the slot, the owner and the pet. */
export const BookingRequestForm = z.object({
  typeId: uuid,
  slot,
  firstName: requiredText(100),
  lastName: requiredText(100),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.email({ error: 'validation.email' }).max(200, { error: 'validation.tooLong' }),
  ),
  phone: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'validation.phone' })
      .regex(/^\+?[0-9 ().-]{6,30}$/, { error: 'validation.phone' })
      .refine((v) => v.replace(/\D/g, '').length >= 6, { error: 'validation.phone' }),
  ),
  petName: requiredText(60),
  petSpecies: z.enum(SPECIES, { error: 'validation.choose' }),
  reason: z
    .string({ error: 'validation.text' })
    .trim()
    .max(300, { error: 'validation.tooLong' })
    .optional()
    .transform((v) => v || null),
});
export type BookingRequestForm = z.output<typeof BookingRequestForm>;

/**
 * The honeypot: a field people never see or fill (hidden from sight, from screen readers and
 * from the tab order); software that fills every field fills it.
 */
export const HONEYPOT_FIELD = 'website';
