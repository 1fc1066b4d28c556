import { type CanActivate, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/app-error.js';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts } from './request-context.js';

/**
 * Platform admin pages (`/admin`): signed out, the sign-in page; anyone but a platform
 * admin gets the 404 a page that does not exist gets.
 */
@Injectable()
export class PlatformAdminGuard implements CanActivate {
  canActivate(): boolean {
    const user = RequestContexts.current()?.user;
    if (!user) throw new LoginRequired();
    if (!user.isPlatformAdmin) throw new NotFoundError('page');
    return true;
  }
}
