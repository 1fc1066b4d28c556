/**
 * Errors are values with codes. A feature throws its own AppError subclass; the one
 * exception filter maps it to a re-rendered page or `{ error: { code, message } }`.
 * Pages show `errors.<code>` from the catalogs (with `params`); `message` is the API's English.
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

/**
 * The base of a feature's error, so that each error is one line:
 * `export class RecordLocked extends appError('record_locked', 409, { message: '…' }) {}`.
 * Errors with arguments call `super(message, params)` from their own constructor.
 */
export function appError(
  code: string,
  status: number,
  defaults: { message?: string; field?: string } = {},
) {
  return class extends AppError {
    readonly code = code;
    readonly status = status;
    override readonly field = defaults.field;
    constructor(
      message = defaults.message ?? code,
      params: Record<string, unknown> = {},
      options?: ErrorOptions,
    ) {
      super(message, options);
      Object.assign(this.params, params);
    }
  };
}

export class NotFoundError extends appError('not_found', 404) {
  constructor(what = 'page') {
    super(`No such ${what}`);
  }
}

export class ValidationFailed extends appError('validation_failed', 400) {
  /** Field → catalog key of its message (`validation.*`). */
  constructor(readonly fields: Record<string, string>) {
    super(`Invalid input: ${Object.keys(fields).join(', ')}`);
  }
}
