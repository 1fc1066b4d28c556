import { appError } from '../common/app-error.js';

/** A page needs a signed-in user: pages redirect to /login, the API answers 401. */
export class LoginRequired extends appError('login_required', 401, {
  message: 'Sign in to continue',
}) {}

export class LoginFailed extends appError('login_failed', 401, {
  message: 'Email or password is not right',
}) {}

export class LoginThrottled extends appError('login_throttled', 429) {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`, {
      minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
    });
  }
}
