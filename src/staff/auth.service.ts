import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
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
}
