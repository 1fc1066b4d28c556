import { appError } from '../common/app-error.js';

/** An `Idempotency-Key` sent again with a different request: its first answer would be wrong. */
export class IdempotencyKeyReused extends appError('idempotency_key_reused', 422, {
  message: 'This Idempotency-Key was already used with a different request; send a new key.',
}) {}
