import { IANAZone } from 'luxon';
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'use the format HH:MM');
const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal(''), z.undefined()])
  .transform((v) => v === 'on' || v === 'true');

export const TimeZoneForm = z.object({
  timeZone: z
    .string()
    .refine((v) => IANAZone.isValidZone(v), 'not a known time zone (e.g. Europe/Madrid)'),
});

/** The week's hours: fields `d<weekday>_<n>_opens` / `_closes`, up to two intervals a day. */
export function parseHours(body: Record<string, string | undefined>) {
  const hours: { weekday: number; opens: string; closes: string }[] = [];
  const fields: Record<string, string> = {};
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (const n of [1, 2]) {
      const opens = body[`d${weekday}_${n}_opens`]?.trim();
      const closes = body[`d${weekday}_${n}_closes`]?.trim();
      if (!opens && !closes) continue;
      const key = `d${weekday}_${n}`;
      if (!opens || !closes || !hhmm.safeParse(opens).success || !hhmm.safeParse(closes).success)
        fields[key] = 'use the format HH:MM for both times';
      else if (closes <= opens) fields[key] = 'closing must be after opening';
      else hours.push({ weekday, opens, closes });
    }
  }
  return { hours, fields };
}

export const ClosureForm = z.object({
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use the format YYYY-MM-DD'),
  startTime: hhmm,
  endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use the format YYYY-MM-DD'),
  endTime: hhmm,
  staffId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.string().uuid().nullable()),
  roomId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.string().uuid().nullable()),
  reason: z.string().trim().min(1, 'say why (it is shown when booking is refused)').max(200),
});

export const RoomForm = z.object({
  id: z
    .string()
    .uuid()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  name: z.string().trim().min(1, 'required').max(80),
  active: checkbox,
});

export const TypeForm = z.object({
  id: z
    .string()
    .uuid()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  name: z.string().trim().min(1, 'required').max(80),
  durationMinutes: z.coerce.number().int().min(5, 'at least 5 minutes').max(480, 'at most 8 hours'),
  colour: z.string().regex(/^#[0-9a-f]{6}$/, 'a colour like #0b6e69'),
  active: checkbox,
});
