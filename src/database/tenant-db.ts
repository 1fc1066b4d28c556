import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentTenant } from '../tenant/request-context.js';

export const RUNTIME_DATA_SOURCE = Symbol('RUNTIME_DATA_SOURCE');

/** A unit of company work: read only, over the listed tenants of one company. */
export interface CompanyTx {
  readonly tenantIds: readonly string[];
  /** Runs `work` for each tenant in turn, with that tenant set (set_tenant), in list order. */
  eachTenant<R>(work: (tx: TenantTx) => Promise<R>): Promise<R[]>;
}

/** A unit of tenant work: the transaction's manager and the tenant it is scoped to. */
export interface TenantTx {
  readonly tenantId: string;
  readonly manager: EntityManager;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantIdError extends Error {
  constructor(value: unknown) {
    super(`Not a tenant id: ${JSON.stringify(value)}`);
  }
}

/**
 * The one door to tenant data. Every unit of work is a transaction whose first statement
 * is `select set_tenant($1)` (SET LOCAL: dies with the transaction, so it is safe behind
 * pgBouncer's transaction pooling and never leaks to the next client of the server
 * connection). RLS then hides every other tenant's rows even from a query that forgets
 * its `where tenant_id = …`; queries keep the filter anyway for the index.
 */
@Injectable()
export class TenantDb {
  constructor(@Inject(RUNTIME_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Runs `work` for the request's tenant; throws when there is none. */
  async run<T>(work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.runFor(currentTenant().id, work);
  }

  /**
   * Runs `work` for an explicit tenant: seeds, jobs, and tests. With `within`, the work
   * joins that open transaction (the setting then holds until the next runFor or COMMIT).
   */
  async runFor<T>(
    tenantId: string,
    work: (tx: TenantTx) => Promise<T>,
    within?: EntityManager,
  ): Promise<T> {
    assertTenantId(tenantId);
    const scoped = async (manager: EntityManager) => {
      await manager.query('select set_tenant($1)', [tenantId]);
      return work({ tenantId, manager: oneQueryAtATime(manager) });
    };
    if (within) {
      if (!within.queryRunner?.isTransactionActive)
        throw new Error('runFor(within) needs an open transaction');
      return scoped(within);
    }
    return this.dataSource.transaction(scoped);
  }

  /**
   * Company roll-ups: one READ ONLY transaction in which each of the company's tenants is
   * set in turn (`select set_tenant($1)`, SET LOCAL) before its part of the work, so the
   * tenant policies stay the single-tenant expression the planner folds away. The caller
   * passes the ids of one company's tenants, read from the directory after its access check.
   */
  async runForCompany<T>(
    tenantIds: readonly string[],
    work: (tx: CompanyTx) => Promise<T>,
  ): Promise<T> {
    tenantIds.forEach(assertTenantId);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('set transaction read only');
      const eachTenant = async <R>(part: (tx: TenantTx) => Promise<R>): Promise<R[]> => {
        const results: R[] = [];
        for (const tenantId of tenantIds) results.push(await this.runFor(tenantId, part, manager));
        return results;
      };
      return work({ tenantIds, eachTenant });
    });
  }
}

function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId))
    throw new InvalidTenantIdError(tenantId);
}

/**
 * A transaction is one connection, which runs one query at a time: queries started together
 * (`Promise.all` inside a unit of work) are queued here rather than interleaved on the wire.
 */
function oneQueryAtATime(manager: EntityManager): EntityManager {
  let tail: Promise<unknown> = Promise.resolve();
  const query = (sql: string, params?: unknown[]) => {
    const run = tail.then(() => manager.query(sql, params));
    tail = run.catch(() => undefined);
    return run;
  };
  return Object.create(manager, { query: { value: query } }) as EntityManager;
}

/**
 * Runs an UPDATE/DELETE … RETURNING and gives its rows. (TypeORM's `query` answers such
 * statements with `[rows, rowCount]` instead of the rows.)
 */
export async function returningRows<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result = await manager.query(sql, params);
  return Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
    ? result[0]
    : result;
}
