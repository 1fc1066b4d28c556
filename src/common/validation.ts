import { z } from 'zod';
import { DateTime } from 'luxon';
import { ValidationFailed } from './app-error.js';

/** Parses input with a zod schema; failures become a ValidationFailed naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_';
    fields[field] ??= issue.message;
  }
  throw new ValidationFailed(fields);
}

/**
 * A decimal as people type it: `18,6` (Spanish) reads as 18.6. Only a single comma between
 * digits is taken as the decimal mark, so nothing else changes meaning.
 */
export function decimalComma(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2') : value;
}

/**
 * A number as a form field shows it again, in the page's language (`18,6` in Spanish, no
 * thousands separator): what decimalComma reads back.
 */
export function decimalInput(locale: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 2 }).format(n);
}

/**
 * A checkbox: browsers send nothing when it is unticked (so the key must be optional); JSON
 * clients send a boolean.
 */
export const checkbox = z
  .union([z.boolean(), z.enum(['on', 'true', ''])], { error: 'validation.invalid' })
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

/**
 * A required text field of a form: trimmed, not empty, at most `max` characters. Messages are
 * catalog keys: `error` for a missing or empty value, `validation.tooLong` for a long one.
 */
export function requiredText(max: number, error = 'validation.required') {
  return z.string({ error }).trim().min(1, { error }).max(max, { error: 'validation.tooLong' });
}

/**
 * A calendar date `YYYY-MM-DD` that exists (no 2026-02-30, no 2025-02-29): the one date check
 * of every form and API body, so no impossible date reaches PostgreSQL.
 */
export function calendarDate(error = 'validation.date') {
  return z
    .string({ error })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error })
    .refine((v) => DateTime.fromISO(v, { zone: 'UTC' }).isValid, { error });
}

/** PostgreSQL's `integer`: counters such as a row's version must fit it. */
export const MAX_INT = 2_147_483_647;

/** A positive whole number that fits an `integer` column (versions, page numbers). */
export function positiveInt(error = 'validation.invalid', max = MAX_INT) {
  return z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error });
}

/** The last page number a list accepts (pages past the end are empty, not an error). */
export const MAX_PAGE = 100_000;
