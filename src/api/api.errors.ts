import { appError } from '../common/app-error.js';

/** No token, an unknown one, or a revoked one: the same 401, saying nothing more. */
export class ApiTokenInvalid extends appError('unauthorized', 401, {
  message: 'Missing, invalid or revoked API token (send Authorization: Bearer <token>)',
}) {}
