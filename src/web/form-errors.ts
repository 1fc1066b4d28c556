import { AppError, ValidationFailed } from '../common/app-error.js';

/** A message for a page: a catalog key and its arguments, translated by the views' `t` helper. */
export interface FormMessage {
  key: string;
  params?: Record<string, unknown>;
}

/** What a re-rendered form shows about a refused submission. */
export interface FormErrors {
  /** The status to answer with (the error's own). */
  status: number;
  code: string;
  /** The message at the top of the form: `errors.<code>`. */
  message: FormMessage;
  /** Per field, the message shown beside it (views/partials/field.hbs). */
  fields: Record<string, FormMessage>;
}

/** `validation.required`, `rollup.errors.email`: a dotted name, never a sentence. */
export const CATALOG_KEY = /^[a-z]\w*(\.\w+)+$/i;

/**
 * The one way a form learns what went wrong: a validation failure or a domain error becomes
 * per-field messages from the catalogs, in whatever language the page is rendered in. A
 * schema message that is not a catalog key (a library default) shows as `validation.invalid`,
 * so no English literal reaches a Spanish page. Anything that is not an AppError is not the
 * form's business and goes on to the exception filter.
 */
export function formErrors(err: unknown): FormErrors {
  if (!(err instanceof AppError)) throw err;
  const message: FormMessage = { key: `errors.${err.code}`, params: err.params };
  const fields: Record<string, FormMessage> = {};
  if (err instanceof ValidationFailed) {
    for (const [field, text] of Object.entries(err.fields))
      fields[field] = { key: CATALOG_KEY.test(text) ? text : 'validation.invalid' };
  } else if (err.field) {
    fields[err.field] = message;
  }
  return { status: err.status, code: err.code, message, fields };
}

/**
 * What a re-rendered form shows again: the submitted text fields only. A repeated field
 * (an array) or a nested one is not something the form sent, and views expect strings.
 */
export function formValues(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
