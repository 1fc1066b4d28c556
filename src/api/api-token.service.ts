import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import type { TenantRef } from '../tenant/request-context.js';
import { ApiQueries, type ApiTokenListItem } from './api.queries.js';

const PREFIX = 'vl_';

/**
 * Hex sha256 of the token. Tokens are 256 random bits, so a fast hash is enough: there is
 * nothing to brute-force, unlike a password.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Per-clinic API tokens. `api_tokens` is a directory table (no RLS): a request's token is
 * looked up before its tenant is known. Only the hash is stored; the token is shown once.
 */
@Injectable()
export class ApiTokenService {
  constructor(
    // Raw runtime DataSource: a request's token is looked up before its tenant is known.
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  /** Creates a token for the request's clinic; the returned `token` is never shown again. */
  create(opts: { name: string; userId: string }): Promise<{ id: string; token: string }> {
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    return this.db.run(async (tx) => {
      const id = await ApiQueries.insertToken(tx, {
        name: opts.name,
        hash: hashApiToken(token),
        hint: `${token.slice(0, 7)}…`,
        createdBy: opts.userId,
      });
      await this.audit.record(tx, {
        action: 'api_token.created',
        entity: 'api_token',
        entityId: id,
        after: { name: opts.name },
      });
      return { id, token };
    });
  }

  list(): Promise<ApiTokenListItem[]> {
    return this.db.run((tx) => ApiQueries.listTokens(tx));
  }

  revoke(id: string): Promise<void> {
    return this.db.run(async (tx) => {
      const name = isUuid(id) ? await ApiQueries.revokeToken(tx, id) : null;
      if (name === null) throw new NotFoundError('api token');
      await this.audit.record(tx, {
        action: 'api_token.revoked',
        entity: 'api_token',
        entityId: id,
        before: { name },
      });
    });
  }

  /** The clinic a live token belongs to, or null for an unknown or revoked token. */
  async resolve(token: string): Promise<TenantRef | null> {
    if (!token.startsWith(PREFIX) || token.length > 100) return null;
    const found = await ApiQueries.tenantOfToken(this.directory, hashApiToken(token));
    if (!found) return null;
    await ApiQueries.touchToken(this.directory, found.tokenId);
    return { ...found.tenant, role: 'api' };
  }
}
