import { AppError, appError } from './app-error.js';

/** How long a client is asked to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** PostgreSQL or pgBouncer cannot be reached, dropped the connection, or has no connection to give. */
export class DatabaseUnavailable extends appError('database_unavailable', 503, {
  message: 'The database is not available right now. Try again in a moment.',
}) {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor(cause?: unknown) {
    super(undefined, {}, { cause });
  }
}

/** Redis (sessions, throttles, the response cache) cannot be reached. */
export class CacheUnavailable extends appError('cache_unavailable', 503, {
  message: 'Sessions are not available right now. Try again in a moment.',
}) {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor(cause?: unknown) {
    super(undefined, {}, { cause });
  }
}

/**
 * More work than this process takes on (admission control), or a request past its deadline:
 * refused before anything is committed.
 */
export class Overloaded extends appError('overloaded', 503, {
  message: 'Vetlane is very busy right now. Try again in a few seconds.',
}) {
  readonly retryAfterSeconds = 1;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/** SQLSTATE classes and codes that mean "the database is away", not "the query was wrong". */
const DATABASE_SQLSTATE = /^(08...|57P0[1-3]|53300|53400)$/;
/** Socket errors: ioredis never hands these to a command (it retries), so they come from pg. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const DATABASE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /is not queryable/i,
  /pgbouncer cannot connect to server/i,
  /no more connections allowed/i,
];
const DATABASE_NAMES = new Set([
  'QueryRunnerProviderAlreadyReleasedError',
  'QueryRunnerAlreadyReleasedError',
  'ConnectionIsNotSetError',
]);
const CACHE_NAMES = new Set(['MaxRetriesPerRequestError']);
const CACHE_MESSAGES = [
  /^Connection is closed\.?$/,
  /Stream isn't writeable/,
  /^Reached the max retries per request limit/,
  /^Command timed out$/,
];

function classifyOne(e: ErrorLike): AppError | undefined {
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (CACHE_NAMES.has(name) || CACHE_MESSAGES.some((m) => m.test(message)))
    return new CacheUnavailable(e);
  if (
    DATABASE_NAMES.has(name) ||
    DATABASE_SQLSTATE.test(code) ||
    SOCKET_CODES.has(code) ||
    DATABASE_MESSAGES.some((m) => m.test(message))
  )
    return new DatabaseUnavailable(e);
  return undefined;
}

/**
 * The one place that tells an outage from a bug: an error from pg, pgBouncer, TypeORM or
 * ioredis that means a dependency is away becomes a 503 naming it (storage classifies its
 * own, src/storage). Looks through TypeORM's driverError, `cause` chains and AggregateErrors
 * (a refused connection to both 127.0.0.1 and ::1). Anything else: undefined (a real 500).
 */
export function classifyDependencyError(err: unknown, depth = 0): AppError | undefined {
  if (err instanceof AppError) return err.status === 503 ? err : undefined;
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as ErrorLike;
  const direct = classifyOne(e);
  if (direct) return direct;
  const inner = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const next of inner) {
    const found = classifyDependencyError(next, depth + 1);
    if (found) return found;
  }
  return undefined;
}
