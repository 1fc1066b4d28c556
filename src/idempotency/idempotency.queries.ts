import { firstRow, type TenantTx } from '../database/tenant-db.js';

/** How long a key answers with its first result. */
const KEPT = '1 day';

export const IdempotencyQueries = {
  /**
   * Claims the key for this transaction; false when it is already taken. A second claim of
   * a key whose first transaction is still open waits for it (the primary key's lock), then
   * sees it committed (false) or rolled back (true, the key is free again).
   */
  async claim(tx: TenantTx, key: string, fingerprint: string | null): Promise<boolean> {
    const row = await firstRow(
      tx.manager,
      `insert into idempotency_keys (tenant_id, key, fingerprint) values ($1, $2, $3)
       on conflict (tenant_id, key) do nothing returning key`,
      [tx.tenantId, key, fingerprint],
    );
    return row !== null;
  },

  async result<T>(
    tx: TenantTx,
    key: string,
  ): Promise<{ result: T; fingerprint: string | null } | null> {
    return firstRow<{ result: T; fingerprint: string | null }>(
      tx.manager,
      `select result, fingerprint from idempotency_keys where tenant_id = $1 and key = $2 and created_at > now() - interval '${KEPT}'`,
      [tx.tenantId, key],
    );
  },

  async keep(tx: TenantTx, key: string, result: unknown): Promise<void> {
    await tx.manager.query(
      `update idempotency_keys set result = $3 where tenant_id = $1 and key = $2`,
      [tx.tenantId, key, JSON.stringify(result ?? null)],
    );
  },

  /** Drops the tenant's keys older than a day (now and then, from a claim). */
  async forgetOld(tx: TenantTx): Promise<void> {
    await tx.manager.query(
      `delete from idempotency_keys where tenant_id = $1 and created_at < now() - interval '${KEPT}'`,
      [tx.tenantId],
    );
  },
};
