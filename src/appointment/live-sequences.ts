import { type Closing, returningRows, type TenantTx } from '../database/tenant-db.js';

/**
 * The clinic's live-event numbers, shared by every app process (migration 1734010000000).
 * Taken last in the writing transaction: the row stays locked until COMMIT, so numbers
 * follow the order of commits, and the lock is held only for the COMMIT itself.
 */
export const LiveSequences = {
  /** Reserves `count` numbers; returns the first. */
  async take(tx: TenantTx, count: number): Promise<number> {
    const taking = LiveSequences.closing(tx, count);
    return taking.read(await returningRows(tx.manager, taking.sql));
  },

  /**
   * The same, as the closing statement of a unit of work (TenantDb.runClosing), sent with
   * its COMMIT. Literals: the tenant id is a checked UUID, the count an integer.
   */
  closing(tx: TenantTx, count: number): Closing<number> {
    if (!Number.isSafeInteger(count) || count < 1) throw new Error(`Not a count: ${count}`);
    return {
      sql: `insert into live_sequences (tenant_id, seq) values ('${tx.tenantId}', ${count})
            on conflict (tenant_id) do update set seq = live_sequences.seq + excluded.seq
            returning seq as last`,
      read: (rows) => Number((rows as { last: string }[])[0].last) - count + 1,
    };
  },
};
