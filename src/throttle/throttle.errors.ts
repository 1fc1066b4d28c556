import { appError } from '../common/app-error.js';

/** The clinic used up its plan's requests for this minute. */
export class TenantThrottled extends appError('tenant_throttled', 429) {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests for this clinic; try again in ${retryAfterSeconds} seconds`, {
      seconds: retryAfterSeconds,
    });
  }
}

/** Too many booking requests (or page views) from one address, or for one clinic, for now. */
export class OnlineBookingThrottled extends appError('online_booking_throttled', 429) {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many booking requests; try again in ${retryAfterSeconds} seconds`, {
      minutes: Math.ceil(retryAfterSeconds / 60),
    });
  }
}
