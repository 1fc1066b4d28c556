import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import type { SessionUser } from '../tenant/request-context.js';
import { LoginFailed } from './auth.errors.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { type UserWithHash, UserQueries } from './staff.queries.js';

@Injectable()
export class AuthService {
  constructor(
    // Raw runtime DataSource: sign-in reads users (a directory table) before any tenant is known.
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottle,
    private readonly tenants: TenantDb,
    private readonly audit: AuditService,
  ) {}

  async signIn(input: { email: string; password: string; ip: string }): Promise<SessionUser> {
    const email = input.email.trim().toLowerCase();
    await this.throttle.beforeAttempt(email, input.ip);
    const user = await UserQueries.withHashByEmail(this.db, email);
    const ok = await this.passwords.verify(user?.passwordHash ?? null, input.password);
    if (!user || !ok) {
      await this.throttle.failed(email, input.ip);
      throw new LoginFailed();
    }
    await this.throttle.succeeded(email, input.ip);
    await UserQueries.touchLastLogin(this.db, user.id);
    await this.recordSignIn(user, input.ip);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      isPlatformAdmin: user.isPlatformAdmin,
    };
  }

  async setLocale(userId: string, locale: 'en' | 'es' | null): Promise<void> {
    await UserQueries.setLocale(this.db, userId, locale);
  }

  /**
   * A sign-in is written to the audit log of every clinic the user may enter (memberships
   * and their companies' clinics), so each clinic's managers see who came in and the
   * record shares the clinic's partitions and retention. A platform admin who works at no
   * clinic leaves no tenant record (the request log still has it).
   */
  private async recordSignIn(user: UserWithHash, ip: string): Promise<void> {
    const tenantIds = await UserQueries.tenantIdsOf(this.db, user.id);
    if (!tenantIds.length) return;
    await this.db.transaction(async (manager) => {
      for (const tenantId of tenantIds)
        await this.tenants.runFor(
          tenantId,
          (tx) =>
            this.audit.record(tx, {
              action: 'user.signed_in',
              entity: 'user',
              entityId: user.id,
              actor: { id: user.id, name: user.name },
              after: { email: user.email, ip },
            }),
          manager,
        );
    });
  }
}
