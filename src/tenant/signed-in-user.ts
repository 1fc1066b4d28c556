import { createParamDecorator } from '@nestjs/common';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts, type SessionUser } from './request-context.js';

/** The signed-in user, for handlers behind an access guard; signed out, the sign-in page. */
export const SignedInUser = createParamDecorator((): SessionUser => {
  const user = RequestContexts.current()?.user;
  if (!user) throw new LoginRequired();
  return user;
});
