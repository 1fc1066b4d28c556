import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { chooseLocale } from '../i18n/i18n.js';
import { LoginRequired } from '../staff/auth.errors.js';
import { TenantThrottle } from '../throttle/tenant-throttle.js';
import { AccessService } from './access.service.js';
import { type ClinicRole, RequestContexts } from './request-context.js';

const ROLES_KEY = 'vetlane:clinic-roles';
/** Restricts a clinic route to these roles; without it any role that may enter the clinic passes. */
export const ClinicRoles = (...roles: ClinicRole[]) => SetMetadata(ROLES_KEY, roles);

/** Staff who work in the clinic: everyone but the platform admin, who sees no clinical content. */
export const CLINIC_STAFF: ClinicRole[] = [
  'manager',
  'vet',
  'nurse',
  'front_desk',
  'company_admin',
];

/**
 * Resolves `/c/:clinicSlug/…` to a tenant the user may enter and puts it in the request
 * context. An unknown clinic and a forbidden one give the same 404.
 */
@Injectable()
export class ClinicAccessGuard implements CanActivate {
  constructor(
    private readonly access: AccessService,
    private readonly reflector: Reflector,
    private readonly throttle: TenantThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const ctx = RequestContexts.current();
    if (!ctx?.user) throw new LoginRequired();
    const slug = String(req.params.clinicSlug ?? '');
    const tenant = await this.access.resolveClinic(slug, ctx.user);
    if (!tenant) throw new NotFoundError('clinic');
    const allowed = this.reflector.getAllAndOverride<ClinicRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (allowed && !allowed.includes(tenant.role)) throw new NotFoundError('page');
    await this.throttle.consume(tenant, req);
    ctx.tenant = tenant;
    res.locals.clinic = {
      slug: tenant.slug,
      name: tenant.name,
      role: tenant.role,
      timeZone: tenant.timeZone,
    };
    res.locals.locale = chooseLocale({
      user: ctx.user.locale,
      clinic: tenant.locale,
      acceptLanguage: req.headers['accept-language'],
    });
    return true;
  }
}
