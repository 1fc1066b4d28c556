import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { LoginRequired } from '../staff/auth.errors.js';
import { RequestContexts } from '../tenant/request-context.js';
import { CompanyService, type CompanyView } from './company.service.js';

/**
 * Resolves `/companies/:companySlug/…` to a company the user administers (or any, for the
 * platform admin: roll-ups are numbers only) and hands it to the handler and the views
 * (`res.locals.company`). Another company and an unknown one give the same 404; signed out,
 * the sign-in page.
 */
@Injectable()
export class CompanyAccessGuard implements CanActivate {
  constructor(private readonly companies: CompanyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = RequestContexts.current()?.user;
    if (!user) throw new LoginRequired();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    res.locals.company = await this.companies.forUser(String(req.params.companySlug ?? ''), user);
    return true;
  }
}

/** The company CompanyAccessGuard resolved for this request. */
export const CurrentCompany = createParamDecorator(
  (_: unknown, context: ExecutionContext): CompanyView => {
    const company = context.switchToHttp().getResponse<Response>().locals.company as
      CompanyView | undefined;
    // Fails loudly: a handler that asks for the company must sit behind the guard.
    if (!company) throw new Error('CurrentCompany used without CompanyAccessGuard');
    return company;
  },
);
