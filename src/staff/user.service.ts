import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { PasswordService } from './password.service.js';
import { type UserContact, UserQueries } from './staff.queries.js';

/** Login identities, for the modules that add people (company staff). */
@Injectable()
export class UserService {
  constructor(
    // Raw runtime DataSource: users is a directory table, shared by every clinic.
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    private readonly passwords: PasswordService,
  ) {}

  byEmail(email: string): Promise<UserContact | null> {
    return UserQueries.contactByEmail(this.directory, email);
  }

  /** A new login; when someone added the same email meanwhile, theirs. */
  async create(user: { email: string; name: string; password: string }): Promise<UserContact> {
    const passwordHash = await this.passwords.hash(user.password);
    return UserQueries.insert(this.directory, { email: user.email, name: user.name, passwordHash });
  }
}
