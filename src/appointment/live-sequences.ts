import { firstRow, type TenantTx } from '../database/tenant-db.js';

/**
 * The clinic's live-event numbers, shared by every app process (migration 1734010000000).
 * Taken last in the writing transaction: the row stays locked until COMMIT, so numbers
 * follow the order of commits, and the lock is held only for the COMMIT itself.
 */
export const LiveSequences = {
  /** Reserves `count` numbers; returns the first. */
  async take(tx: TenantTx, count: number): Promise<number> {
    const row = await firstRow<{ last: string }>(
      tx.manager,
      `insert into live_sequences (tenant_id, seq) values ($1, $2)
       on conflict (tenant_id) do update set seq = live_sequences.seq + excluded.seq
       returning seq as last`,
      [tx.tenantId, count],
    );
    return Number(row!.last) - count + 1;
  },
};
