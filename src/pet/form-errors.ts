import { ValidationFailed } from '../common/app-error.js';
import { MicrochipTaken } from './pet.errors.js';

/** Per-field catalog keys for a re-rendered form, and the status to answer with. */
export interface FormFailure {
  status: number;
  errors: Record<string, string>;
}

/** Turns a form's expected failure into messages; anything else is not the form's business. */
export function formFailure(err: unknown): FormFailure {
  if (err instanceof ValidationFailed) {
    const errors: Record<string, string> = {};
    for (const [field, message] of Object.entries(err.fields))
      errors[field] = message.startsWith('validation.') ? message : 'validation.invalid';
    return { status: 400, errors };
  }
  if (err instanceof MicrochipTaken)
    return { status: 409, errors: { [err.field]: 'validation.microchipTaken' } };
  throw err;
}
