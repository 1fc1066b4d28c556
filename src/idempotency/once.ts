import type { TenantTx } from '../database/tenant-db.js';
import { RequestContexts } from '../tenant/request-context.js';
import { IdempotencyQueries } from './idempotency.queries.js';

/** A request's one-time key: the form's `_formKey`, or the API's `Idempotency-Key` header. */
export const IDEMPOTENCY_KEY = /^[\w.:-]{8,100}$/;

/**
 * Runs a create once per request key: the first time, `create` runs and its result is kept
 * with the key in the same transaction; a repeat of the key (a double submit, a retried API
 * POST) gets that first result back and creates nothing. Without a key, `create` just runs.
 * Adopting it is one line in a service: `return once(tx, 'client.create', () => …)`.
 * The result must survive JSON (ids, counts; dates come back as strings).
 */
export async function once<T>(tx: TenantTx, scope: string, create: () => Promise<T>): Promise<T> {
  const requestKey = RequestContexts.current()?.idempotencyKey;
  if (!requestKey) return create();
  const key = `${scope}:${requestKey}`;
  if (!(await IdempotencyQueries.claim(tx, key))) {
    const first = await IdempotencyQueries.result<T>(tx, key);
    if (first) return first.result;
  }
  if (Math.random() < 0.01) await IdempotencyQueries.forgetOld(tx);
  const result = await create();
  await IdempotencyQueries.keep(tx, key, result);
  return result;
}
