import { AppError } from '../common/app-error.js';

/** No token, an unknown one, or a revoked one: the same 401, saying nothing more. */
export class ApiTokenInvalid extends AppError {
  readonly code = 'unauthorized';
  readonly status = 401;
  constructor() {
    super('Missing, invalid or revoked API token (send Authorization: Bearer <token>)');
  }
}
