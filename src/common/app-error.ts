/**
 * Errors are values with codes. A feature throws its own AppError subclass; the one
 * exception filter maps it to a re-rendered page or `{ error: { code, message } }`.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** The field a form should point at, when there is one. */
  readonly field?: string;
  /** Arguments for the translated message (`errors.<code>` in the catalogs). */
  readonly params: Record<string, unknown> = {};
  /** Machine-readable context for API clients (the clashing appointment, what changed). */
  get details(): Record<string, unknown> | undefined {
    return undefined;
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(what = 'page') {
    super(`No such ${what}`);
  }
}

export class ValidationFailed extends AppError {
  readonly code = 'validation_failed';
  readonly status = 400;
  constructor(readonly fields: Record<string, string>) {
    super(`Invalid input: ${Object.keys(fields).join(', ')}`);
  }
}
