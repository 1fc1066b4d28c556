import { z } from 'zod';
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
