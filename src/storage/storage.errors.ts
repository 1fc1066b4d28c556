import { appError } from '../common/app-error.js';

/** The object store did not answer (down, unreachable, or failing): nothing was saved. */
export class StorageUnavailable extends appError('storage_unavailable', 503, {
  message: 'File storage is not available right now; nothing was saved. Try again in a moment.',
}) {
  constructor(cause?: unknown) {
    super(undefined, {}, { cause });
  }
}

/** A key the store does not hold. */
export class StoredObjectMissing extends appError('not_found', 404, { message: 'No such file' }) {}

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps an SDK failure to what callers can act on; other errors pass through unchanged. */
export function classifyStorageError(err: unknown): unknown {
  const e = (err ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404)
    return new StoredObjectMissing();
  if (status === undefined || status >= 500 || status === 429) return new StorageUnavailable(err);
  return err;
}
