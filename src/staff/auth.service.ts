import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import type { SessionUser } from '../tenant/request-context.js';
import { LoginFailed } from './auth.errors.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordService } from './password.service.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  locale: 'en' | 'es' | null;
  is_platform_admin: boolean;
  password_hash: string;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottle,
    private readonly tenants: TenantDb,
    private readonly audit: AuditService,
  ) {}

  async signIn(input: { email: string; password: string; ip: string }): Promise<SessionUser> {
    const email = input.email.trim().toLowerCase();
    await this.throttle.beforeAttempt(email, input.ip);
    const rows: UserRow[] = await this.db.query(
      'select id, email, name, locale, is_platform_admin, password_hash from users where email = $1',
      [email],
    );
    const user = rows[0];
    const ok = await this.passwords.verify(user?.password_hash ?? null, input.password);
    if (!user || !ok) {
      await this.throttle.failed(email, input.ip);
      throw new LoginFailed();
    }
    await this.throttle.succeeded(email);
    await this.db.query('update users set last_login_at = now() where id = $1', [user.id]);
    await this.recordSignIn(user, input.ip);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      isPlatformAdmin: user.is_platform_admin,
    };
  }

  async setLocale(userId: string, locale: 'en' | 'es' | null): Promise<void> {
    await this.db.query('update users set locale = $2 where id = $1', [userId, locale]);
  }

  /**
   * A sign-in is written to the audit log of every clinic the user may enter (memberships
   * and their companies' clinics), so each clinic's managers see who came in and the
   * record shares the clinic's partitions and retention. A platform admin who works at no
   * clinic leaves no tenant record (the request log still has it).
   */
  private async recordSignIn(user: UserRow, ip: string): Promise<void> {
    const rows: { tenant_id: string }[] = await this.db.query(
      `select tenant_id from memberships where user_id = $1
       union
       select t.id from company_admins ca join tenants t on t.company_id = ca.company_id where ca.user_id = $1`,
      [user.id],
    );
    if (!rows.length) return;
    await this.db.transaction(async (manager) => {
      for (const { tenant_id } of rows)
        await this.tenants.runFor(
          tenant_id,
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
