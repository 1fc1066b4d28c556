import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import { UUID } from '../pet/pet.sql.js';
import type { TenantRef } from '../tenant/request-context.js';

export interface ApiTokenListItem {
  id: string;
  name: string;
  hint: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const PREFIX = 'vl_';
/** Refresh last_used_at at most this often, so reads do not turn into writes on every call. */
const LAST_USED_GRANULARITY = '1 minute';

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
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  /** Creates a token for the request's clinic; the returned `token` is never shown again. */
  create(opts: { name: string; userId: string }): Promise<{ id: string; token: string }> {
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    return this.db.run(async (tx) => {
      const [row] = await tx.manager.query(
        `insert into api_tokens (tenant_id, name, token_hash, token_hint, created_by)
         values ($1, $2, $3, $4, $5) returning id`,
        [tx.tenantId, opts.name, hashApiToken(token), `${token.slice(0, 7)}…`, opts.userId],
      );
      await this.audit.record(tx, {
        action: 'api_token.created',
        entity: 'api_token',
        entityId: row.id,
        after: { name: opts.name },
      });
      return { id: row.id as string, token };
    });
  }

  list(): Promise<ApiTokenListItem[]> {
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select k.id, k.name, k.token_hint as hint, k.created_at as "createdAt", u.name as "createdByName",
                k.last_used_at as "lastUsedAt", k.revoked_at as "revokedAt"
           from api_tokens k left join users u on u.id = k.created_by
          where k.tenant_id = $1 order by k.revoked_at is not null, k.created_at desc`,
        [tenantId],
      ),
    );
  }

  revoke(id: string): Promise<void> {
    return this.db.run(async (tx) => {
      const rows = UUID.test(id)
        ? await tx.manager.query(
            `update api_tokens set revoked_at = now()
              where tenant_id = $1 and id = $2 and revoked_at is null returning name`,
            [tx.tenantId, id],
          )
        : [[], 0];
      const [revoked] = rows[0] as { name: string }[];
      if (!revoked) throw new NotFoundError('api token');
      await this.audit.record(tx, {
        action: 'api_token.revoked',
        entity: 'api_token',
        entityId: id,
        before: { name: revoked.name },
      });
    });
  }

  /** The clinic a live token belongs to, or null for an unknown or revoked token. */
  async resolve(token: string): Promise<TenantRef | null> {
    if (!token.startsWith(PREFIX) || token.length > 100) return null;
    const [row] = await this.directory.query(
      `select k.id as token_id, t.id, t.slug, t.name, t.time_zone, t.locale, t.company_id, t.plan
         from api_tokens k join tenants t on t.id = k.tenant_id
        where k.token_hash = $1 and k.revoked_at is null and t.status = 'active'`,
      [hashApiToken(token)],
    );
    if (!row) return null;
    await this.directory.query(
      `update api_tokens set last_used_at = now()
        where id = $1 and (last_used_at is null or last_used_at < now() - interval '${LAST_USED_GRANULARITY}')`,
      [row.token_id],
    );
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      timeZone: row.time_zone,
      locale: row.locale,
      plan: row.plan,
      companyId: row.company_id,
      role: 'api',
    };
  }
}
