import { AppError } from '../common/app-error.js';

/** The clinic used up its plan's requests for this minute. */
export class TenantThrottled extends AppError {
  readonly code = 'tenant_throttled';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests for this clinic; try again in ${retryAfterSeconds} seconds`);
    Object.assign(this.params, { seconds: retryAfterSeconds });
  }
}
