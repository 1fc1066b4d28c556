import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestContexts } from '../tenant/request-context.js';
import { TenantThrottle } from '../throttle/tenant-throttle.js';
import { ApiTokenInvalid } from './api.errors.js';
import { ApiTokenService } from './api-token.service.js';

/**
 * Authenticates `/api/…` requests with `Authorization: Bearer <token>` and puts the
 * token's clinic in the request context with role `api` (as ClinicAccessGuard does for
 * pages), so TenantDb scopes every query to it. Reuse it on any API controller:
 * `@UseGuards(ApiTokenGuard)` after importing ApiAuthModule.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: ApiTokenService,
    private readonly throttle: TenantThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const ctx = RequestContexts.current();
    if (!ctx) throw new Error('ApiTokenGuard ran outside a request context');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const tenant = match ? await this.tokens.resolve(match[1]) : null;
    if (!tenant) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new ApiTokenInvalid();
    }
    // Integrations count against the clinic's requests per minute like its pages do.
    await this.throttle.consume(tenant);
    ctx.tenant = tenant;
    return true;
  }
}
