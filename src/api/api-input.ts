import type { z } from 'zod';
import { ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import type { Translator } from '../i18n/i18n.js';

/**
 * parseInput for the API: the same schemas as the pages. Each field's catalog key becomes
 * its message in the exception filter, in the Accept-Language's language (English by
 * default): `{ error: { code, message, fields } }`, status 400.
 */
export function parseApiInput<S extends z.ZodType>(
  translator: Translator,
  schema: S,
  input: unknown,
): z.output<S> {
  try {
    return parseInput(schema, input ?? {});
  } catch (err) {
    if (!(err instanceof ValidationFailed)) throw err;
    void translator; // the exception filter translates the keys per Accept-Language
    throw err;
  }
}
