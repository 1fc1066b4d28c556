import type { TenantTx } from '../database/tenant-db.js';
import { ExportQueries, type ExportRow } from './export.queries.js';

/**
 * What a tenant export reads: short tenant transactions, one per batch, so a slow
 * download never holds a transaction open (the runtime role's idle-in-transaction
 * timeout would end it) and memory holds one batch at a time.
 */
export interface ExportContext {
  readonly tenantId: string;
  /**
   * Whether the reader may see clinical content (a manager may, a company admin may not):
   * without it, sources leave out their clinical columns and the archive holds no files.
   */
  readonly clinical: boolean;
  run<T>(work: (tx: TenantTx) => Promise<T>): Promise<T>;
}

/** An object in storage to put in the archive: its key (must start with the tenant id) and its path there. */
export interface ExportObject {
  key: string;
  name: string;
}

/**
 * One module's contribution to the clinic export: rows go to data/<name>.jsonl and
 * data/<name>.csv (columns in this order), objects to attachments/<name>.
 */
export interface ExportSource {
  readonly name: string;
  readonly columns: readonly string[];
  /** Columns of clinical content (SOAP text, vitals, addenda), left out for non-clinical readers. */
  readonly clinicalColumns?: readonly string[];
  rows(ctx: ExportContext): AsyncIterable<Record<string, unknown>>;
  objects?(ctx: ExportContext): AsyncIterable<ExportObject>;
}

/**
 * Rows of one tenant table in primary-key order, fetched in batches by keyset
 * (`(key) > (last)`), each batch in its own tenant transaction.
 */
export async function* keysetRows(
  ctx: ExportContext,
  opts: { table: string; columns: readonly string[]; key: readonly string[]; batch?: number },
): AsyncIterable<Record<string, unknown>> {
  const batch = opts.batch ?? 1000;
  let last: unknown[] | null = null;
  for (;;) {
    const after: unknown[] | null = last;
    const rows: ExportRow[] = await ctx.run((tx) =>
      ExportQueries.keysetBatch(tx, {
        table: opts.table,
        columns: opts.columns,
        key: opts.key,
        batch,
        after,
      }),
    );
    for (const row of rows) {
      const clean = { ...row };
      opts.key.forEach((_, i) => delete clean[`__key${i}`]);
      yield clean;
    }
    if (rows.length < batch) return;
    const tail = rows[rows.length - 1];
    last = opts.key.map((_, i) => tail[`__key${i}`]);
  }
}

/** The columns of a source this export's reader gets (ExportContext.clinical). */
export function exportedColumns(source: ExportSource, ctx: ExportContext): readonly string[] {
  if (ctx.clinical || !source.clinicalColumns) return source.columns;
  return source.columns.filter((c) => !source.clinicalColumns!.includes(c));
}

/** A table source: every listed column its reader may see, in primary-key order. */
export function tableSource(opts: {
  name: string;
  table?: string;
  columns: readonly string[];
  clinicalColumns?: readonly string[];
  key?: readonly string[];
}): ExportSource {
  const key = opts.key ?? ['id'];
  const source: ExportSource = {
    name: opts.name,
    columns: opts.columns,
    clinicalColumns: opts.clinicalColumns,
    rows: (ctx) =>
      keysetRows(ctx, {
        table: opts.table ?? opts.name,
        columns: exportedColumns(source, ctx),
        key,
      }),
  };
  return source;
}
