import type { TenantTx } from '../database/tenant-db.js';
import { RequestContexts } from '../tenant/request-context.js';
import { IdempotencyKeyReused } from './idempotency.errors.js';
import { IdempotencyQueries } from './idempotency.queries.js';

/** A request's one-time key: the form's `_formKey`, or the API's `Idempotency-Key` header. */
export const IDEMPOTENCY_KEY = /^[\w.:-]{8,100}$/;

/**
 * Runs a create once per request key: the first time, `create` runs and its result is kept
 * with the key in the same transaction; a repeat of the key (a double submit, a retried API
 * POST) gets that first result back and creates nothing. Without a key, `create` just runs.
 * An API key also remembers what its request asked (`idempotencyFingerprint`): the same key
 * with another request is refused rather than answered with an unrelated first result.
 * Adopting it is one line in a service: `return once(tx, 'client.create', () => …)`.
 * The result must survive JSON: ids, counts, plain objects; instants come back as Dates.
 */
export async function once<T>(tx: TenantTx, scope: string, create: () => Promise<T>): Promise<T> {
  const ctx = RequestContexts.current();
  if (!ctx?.idempotencyKey) return create();
  const key = `${scope}:${ctx.idempotencyKey}`;
  const fingerprint = ctx.idempotencyFingerprint ?? null;
  if (!(await IdempotencyQueries.claim(tx, key, fingerprint))) {
    const first = await IdempotencyQueries.result<T>(tx, key);
    if (first) {
      if (fingerprint !== null && first.fingerprint !== fingerprint)
        throw new IdempotencyKeyReused();
      return revived(first.result);
    }
  }
  if (Math.random() < 0.01) await IdempotencyQueries.forgetOld(tx);
  const result = await create();
  await IdempotencyQueries.keep(tx, key, result);
  return result;
}

/** The kept first result of this request's key in `scope`, if there is one (see once). */
export async function firstResult<T>(tx: TenantTx, scope: string): Promise<{ result: T } | null> {
  const ctx = RequestContexts.current();
  if (!ctx?.idempotencyKey) return null;
  const first = await IdempotencyQueries.result<T>(tx, `${scope}:${ctx.idempotencyKey}`);
  if (!first) return null;
  const fingerprint = ctx.idempotencyFingerprint ?? null;
  if (fingerprint !== null && first.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
  return { result: revived(first.result) };
}

/** What Date#toJSON writes; read back as a Date, so a kept result looks like a fresh one. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

function revived<T>(value: T): T {
  if (typeof value === 'string' && INSTANT.test(value)) return new Date(value) as T;
  if (Array.isArray(value)) return value.map(revived) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revived(v)])) as T;
  return value;
}
