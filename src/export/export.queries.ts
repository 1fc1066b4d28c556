import type { TenantTx } from '../database/tenant-db.js';

/** A row of a tenant table as exported: its columns by name (values as the driver gives them). */
export type ExportRow = Record<string, unknown>;

/**
 * SQL of the clinic export. Table and column names come from the registered sources (code,
 * never input) and are quoted; values are parameters.
 */
export const ExportQueries = {
  /**
   * The next batch of `table`'s rows in `key` order after `after` (the first batch when
   * null), with each key column also as text in `__key<i>`: a JS Date would drop the
   * microseconds of a timestamptz key.
   */
  keysetBatch(
    tx: TenantTx,
    opts: {
      table: string;
      columns: readonly string[];
      key: readonly string[];
      batch: number;
      after: unknown[] | null;
    },
  ): Promise<ExportRow[]> {
    const keyText = opts.key.map((c, i) => `"${c}"::text as "__key${i}"`).join(', ');
    const cols = `${opts.columns.map((c) => `"${c}"`).join(', ')}, ${keyText}`;
    const key = opts.key.map((c) => `"${c}"`).join(', ');
    const after = opts.key.map((_, i) => `$${i + 3}`).join(', ');
    const sql =
      `select ${cols} from ${opts.table} where tenant_id = $1` +
      (opts.after ? ` and (${key}) > (${after})` : '') +
      ` order by ${key} limit $2`;
    return tx.manager.query<ExportRow[]>(sql, [tx.tenantId, opts.batch, ...(opts.after ?? [])]);
  },
};
