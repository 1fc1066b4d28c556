import type { DataSource } from 'typeorm';
import { returningRows, type TenantTx } from '../database/tenant-db.js';
import { TENANT_ROW_COLUMNS, type TenantRow } from '../tenant/tenant.queries.js';

export interface ApiTokenListItem {
  id: string;
  name: string;
  hint: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Refresh last_used_at at most this often, so reads do not turn into writes on every call. */
const LAST_USED_GRANULARITY = '1 minute';

/**
 * SQL of the API module. `api_tokens` is a directory table (no RLS): a request's token is
 * looked up before its tenant is known; a clinic's own list and changes run in its TenantTx.
 */
export const ApiQueries = {
  async insertToken(
    tx: TenantTx,
    token: { name: string; hash: string; hint: string; createdBy: string },
  ): Promise<string> {
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into api_tokens (tenant_id, name, token_hash, token_hint, created_by)
       values ($1, $2, $3, $4, $5) returning id`,
      [tx.tenantId, token.name, token.hash, token.hint, token.createdBy],
    );
    return row.id;
  },

  listTokens(tx: TenantTx): Promise<ApiTokenListItem[]> {
    return tx.manager.query<ApiTokenListItem[]>(
      `select k.id, k.name, k.token_hint as hint, k.created_at as "createdAt", u.name as "createdByName",
              k.last_used_at as "lastUsedAt", k.revoked_at as "revokedAt"
         from api_tokens k left join users u on u.id = k.created_by
        where k.tenant_id = $1 order by k.revoked_at is not null, k.created_at desc`,
      [tx.tenantId],
    );
  },

  /** The revoked token's name; null when there is no live token with that id. */
  async revokeToken(tx: TenantTx, id: string): Promise<string | null> {
    const [row] = await returningRows<{ name: string }>(
      tx.manager,
      `update api_tokens set revoked_at = now()
        where tenant_id = $1 and id = $2 and revoked_at is null returning name`,
      [tx.tenantId, id],
    );
    return row?.name ?? null;
  },

  /** The live token's id and its active clinic, by the token's hash. */
  async tenantOfToken(
    db: DataSource,
    hash: string,
  ): Promise<{ tokenId: string; tenant: TenantRow } | null> {
    const [row] = await db.query<(TenantRow & { tokenId: string })[]>(
      `select k.id as "tokenId", ${TENANT_ROW_COLUMNS}
         from api_tokens k join tenants t on t.id = k.tenant_id
        where k.token_hash = $1 and k.revoked_at is null and t.status = 'active'`,
      [hash],
    );
    if (!row) return null;
    const { tokenId, ...tenant } = row;
    return { tokenId, tenant };
  },

  async touchToken(db: DataSource, tokenId: string): Promise<void> {
    await db.query(
      `update api_tokens set last_used_at = now()
        where id = $1 and (last_used_at is null or last_used_at < now() - interval '${LAST_USED_GRANULARITY}')`,
      [tokenId],
    );
  },
};
