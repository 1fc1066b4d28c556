import { AppError } from '../common/app-error.js';

/** A page needs a signed-in user: pages redirect to /login, the API answers 401. */
export class LoginRequired extends AppError {
  readonly code = 'login_required';
  readonly status = 401;
  constructor() {
    super('Sign in to continue');
  }
}

export class LoginFailed extends AppError {
  readonly code = 'login_failed';
  readonly status = 401;
  constructor() {
    super('Email or password is not right');
  }
}

export class LoginThrottled extends AppError {
  readonly code = 'login_throttled';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`);
    Object.assign(this.params, { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
  }
}
