import { describe, expect, it } from '@jest/globals';
import { StorageUnavailable } from '../storage/storage.errors.js';
import { classifyDependencyError } from './dependency-errors.js';

const codeOf = (err: unknown) => classifyDependencyError(err)?.code;
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('telling an outage from a bug', () => {
  it('names the database for the pool, pgBouncer and connection failures seen in the fault run', () => {
    expect(codeOf(new Error('timeout exceeded when trying to connect'))).toBe(
      'database_unavailable',
    );
    expect(codeOf(new Error('Connection terminated unexpectedly'))).toBe('database_unavailable');
    expect(
      codeOf(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('database_unavailable');
    expect(codeOf(named('QueryRunnerProviderAlreadyReleasedError'))).toBe('database_unavailable');
    expect(codeOf({ name: 'QueryFailedError', driverError: { code: '57P01' } })).toBe(
      'database_unavailable',
    );
    expect(codeOf({ code: '08P01', message: 'pgbouncer cannot connect to server' })).toBe(
      'database_unavailable',
    );
    const refusedTwice = new AggregateError([
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    ]);
    expect(codeOf(refusedTwice)).toBe('database_unavailable');
  });

  it('names the cache for ioredis giving up', () => {
    expect(
      codeOf(
        named(
          'MaxRetriesPerRequestError',
          'Reached the max retries per request limit (which is 1).',
        ),
      ),
    ).toBe('cache_unavailable');
    expect(codeOf(new Error('Connection is closed.'))).toBe('cache_unavailable');
    expect(codeOf(new Error('Command timed out'))).toBe('cache_unavailable');
  });

  it('keeps storage outages as they are and leaves real bugs to be 500s', () => {
    expect(codeOf(new StorageUnavailable())).toBe('storage_unavailable');
    expect(
      codeOf(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBeUndefined();
    expect(codeOf({ name: 'QueryFailedError', driverError: { code: '42703' } })).toBeUndefined();
    expect(codeOf({ code: '23505' })).toBeUndefined();
  });
});
