import type { z } from 'zod';
import { ValidationFailed } from '../common/app-error.js';
import { parseInput } from '../common/validation.js';
import type { Translator } from '../i18n/i18n.js';

/**
 * parseInput for the API: the same schemas as the pages, with each field's catalog key
 * turned into its English message (`{ error: { code, message, fields } }`, status 400).
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
    const fields: Record<string, string> = {};
    for (const [field, key] of Object.entries(err.fields))
      fields[field] = key.startsWith('validation.') ? translator.t('en', key) : key;
    throw new ValidationFailed(fields);
  }
}
