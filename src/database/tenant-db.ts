import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import { Overloaded } from '../common/dependency-errors.js';
import { isUuid } from '../common/ids.js';
import { withLiterals } from './literal-sql.js';
import {
  type ClinicRole,
  currentTenant,
  RequestContexts,
  type TenantRef,
} from '../tenant/request-context.js';

/** The raw runtime DataSource. Injected by TenantDb, and elsewhere only where eslint.config.js allows. */
export const RUNTIME_DATA_SOURCE = Symbol('RUNTIME_DATA_SOURCE');

/** Told after a tenant's unit of work committed a write: the response cache moves on. */
export interface TenantWriteListener {
  /** `directory`: the write touched a directory table (tenants, memberships). */
  tenantWritten(tenantId: string, opts: { directory: boolean }): Promise<void>;
}
export const TENANT_WRITES = Symbol('TENANT_WRITES');

/** A unit of company work: read only, over the listed tenants of one company. */
export interface CompanyTx {
  readonly tenantIds: readonly string[];
  /** Runs `work` for each tenant in turn, with that tenant set (set_tenant), in list order. */
  eachTenant<R>(work: (tx: TenantTx) => Promise<R>): Promise<R[]>;
}

/** What a unit of work knows of its tenant, so nothing inside it re-reads the request. */
export interface TxTenant {
  readonly id: string;
  readonly slug: string;
  readonly timeZone: string;
  readonly locale: 'en' | 'es';
  /** The acting user's role in the clinic; null for work no clinic user started (seeds, jobs). */
  readonly role: ClinicRole | null;
}

/** The signed-in user on whose behalf the work runs (audit actor, record author). */
export interface ActingUser {
  readonly id: string;
  readonly name: string;
}

/**
 * The last statement of a unit of work, sent with its COMMIT (TenantDb.runClosing), and
 * what to make of its rows. Literals only: a multi-statement query takes no parameters.
 */
export interface Closing<C> {
  readonly sql: string;
  read(rows: unknown[]): C;
}

/** A unit of tenant work: the transaction's manager, its tenant and who is acting. */
export interface TenantTx {
  /** Same as `tenant.id`: the `$1` of every tenant query. */
  readonly tenantId: string;
  readonly tenant: TxTenant;
  /** Null for API tokens, jobs and seeds. */
  readonly user: ActingUser | null;
  readonly requestId: string | null;
  readonly manager: EntityManager;
  /**
   * Sends a write whose result nobody reads (an audit row) with the COMMIT, in its round
   * trip; it fails the unit of work as a statement of it would. Only a unit of work that
   * commits itself has it (not one that joined a caller's transaction).
   */
  readonly defer?: (sql: string, params: unknown[]) => void;
}

/**
 * A write nobody reads back (an audit row, a new booking's messages): with the COMMIT where
 * the unit of work commits itself (TenantTx.defer), else now.
 */
export async function writeWithCommit(tx: TenantTx, sql: string, params: unknown[]): Promise<void> {
  if (tx.defer) tx.defer(sql, params);
  else await tx.manager.query(sql, params);
}

/** The unit of work's user, for changes that must name who made them (a record's author). */
export function actingUser(tx: TenantTx): ActingUser {
  if (!tx.user) throw new Error('This change needs a signed-in user');
  return tx.user;
}

export class InvalidTenantIdError extends Error {
  constructor(value: unknown) {
    super(`Not a tenant id: ${JSON.stringify(value)}`);
  }
}

/**
 * The one door to tenant data. Every unit of work is a transaction that begins with
 * `select set_tenant(…)` (SET LOCAL: dies with the transaction, so it is safe behind
 * pgBouncer's transaction pooling and never leaks to the next client of the server
 * connection). RLS then hides every other tenant's rows even from a query that forgets
 * its `where tenant_id = …`; queries keep the filter anyway for the index.
 */
@Injectable()
export class TenantDb {
  constructor(
    @Inject(RUNTIME_DATA_SOURCE) private readonly dataSource: DataSource,
    @Optional() @Inject(TENANT_WRITES) private readonly writes?: TenantWriteListener,
  ) {}

  /** Runs `work` for the request's tenant; throws when there is none. */
  async run<T>(work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.runFor(currentTenant().id, work);
  }

  /**
   * Runs `work` for an explicit tenant: seeds, jobs, and tests. The tenant's zone and
   * locale come from the request context when it is that tenant, else from its row (role
   * null). With `within`, the work joins that open transaction (the setting then holds
   * until the next runFor or COMMIT; the caller's COMMIT is not seen here, so its writes do
   * not move the response cache: only sign-in's audit rows take this path).
   */
  async runFor<T>(
    tenantId: string,
    work: (tx: TenantTx) => Promise<T>,
    within?: EntityManager,
  ): Promise<T> {
    assertTenantId(tenantId);
    if (within) {
      if (!within.queryRunner?.isTransactionActive)
        throw new Error('runFor(within) needs an open transaction');
      await within.query('select set_tenant($1)', [tenantId]);
      return work(await this.txFor(within, tenantId, noWrites()));
    }
    const [result] = await this.unitOfWork(tenantId, work, () => null);
    return result;
  }

  /**
   * Like `run`, for work whose last statement is `closing(tx, result)` (none when it answers
   * null): that statement and the COMMIT go in one round trip, so a row it locks is held for
   * the COMMIT alone (the live sequence). Answers the work's result and what it read.
   */
  async runClosing<T, C>(
    work: (tx: TenantTx) => Promise<T>,
    closing: (tx: TenantTx, result: T) => Closing<C> | null,
  ): Promise<[T, C | null]> {
    const tenantId = currentTenant().id;
    assertTenantId(tenantId);
    return this.unitOfWork(tenantId, work, closing);
  }

  /**
   * A transaction that starts with the tenant set. For the request's own clinic, START
   * TRANSACTION and `set_tenant` go with the work's first statement (Opening); for a tenant
   * the request does not know, with its directory row (beginFor). Either way one round trip,
   * as one simple-protocol query; so are the deferred writes, a closing statement and COMMIT.
   * Rolled back as EntityManager.transaction does.
   */
  private async unitOfWork<T, C>(
    tenantId: string,
    work: (tx: TenantTx) => Promise<T>,
    closing: (tx: TenantTx, result: T) => Closing<C> | null,
  ): Promise<[T, C | null]> {
    const wrote = noWrites();
    const runner = this.dataSource.createQueryRunner();
    let done: [T, C | null];
    try {
      // The request's own clinic: START TRANSACTION and set_tenant wait for the work's first
      // statement and go with it (any other tenant's directory row is read first, by beginFor).
      const context = RequestContexts.current()?.tenant;
      const lazy = context?.id === tenantId ? new Opening(runner, tenantId) : null;
      const known = context && lazy ? txTenant(context) : await beginFor(runner, tenantId);
      const deferred: string[] = [];
      const tx: TenantTx = {
        ...(await this.txFor(lazy?.manager ?? runner.manager, tenantId, wrote, known)),
        defer: (sql, params) => {
          noteWrites(sql, wrote);
          deferred.push(withLiterals(sql, params));
        },
      };
      const result = await work(tx);
      const last = closing(tx, result);
      // No write commits after its client was answered or gave up (a deadline under load).
      if (RequestContexts.current()?.mayCommit?.() === false) throw new Overloaded();
      if (last) noteWrites(last.sql, wrote);
      const rest = last ? [...deferred, last.sql] : deferred;
      // A unit of work that sent nothing yet opens its transaction in the closing round trip,
      // or has none to commit.
      const head = rest.length ? (lazy?.pending() ?? []) : [];
      const answers = rest.length ? await commitWith(runner, [...head, ...rest]) : null;
      done = [result, last ? last.read(answers![head.length + deferred.length]) : null];
      if (!answers && runner.isTransactionActive) await runner.commitTransaction();
    } catch (err) {
      // The work's error is the one to throw, even when the rollback fails too.
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    if (wrote.shown) await this.writes?.tenantWritten(tenantId, { directory: wrote.directory });
    return done;
  }

  /**
   * Reads of the request's tenant that do not wait on each other, in one round trip:
   * `reads(tx)` starts them all at once (each query function sends its one statement as it
   * is called, e.g. inside `Promise.all([...])`), and START TRANSACTION READ ONLY,
   * `set_tenant`, their statements and COMMIT then go as one simple-protocol query, the
   * parameters written in as literals (withLiterals). Each read gets its own statement's rows,
   * so the query functions are the ones `run` uses, unchanged. A statement sent after the
   * round trip left (a read that waits on another) fails loudly; so does a write. Without
   * the tenant in the request's context (its zone is needed before the reads are built), the
   * reads run as `run` runs them, one after the other.
   */
  async readTogether<T>(reads: (tx: TenantTx) => Promise<T>): Promise<T> {
    const context = RequestContexts.current();
    if (!context?.tenant) return this.run(reads);
    const tenantId = context.tenant.id;
    const wrote = noWrites();
    const pending: { sql: string; resolve(rows: unknown): void; reject(err: unknown): void }[] = [];
    let sent = false;
    const query = (sql: string, params?: unknown[]) =>
      new Promise((resolve, reject) => {
        if (sent) throw new Error(`readTogether: a read waited on another: ${sql}`);
        noteWrites(sql, wrote);
        if (wrote.any) throw new Error(`readTogether reads only: ${sql}`);
        pending.push({ sql: withLiterals(sql, params), resolve, reject });
      });
    const manager = Object.create(this.dataSource.manager, {
      query: { value: query },
    }) as EntityManager;
    // Not oneQueryAtATime: each statement must be taken as it is called, before the round trip.
    const result = reads(txOf(txTenant(context.tenant), manager));
    sent = true;
    // Its rejection is the caller's, once the round trip is back (not an unhandled one meanwhile).
    result.catch(() => undefined);
    if (pending.length === 0) return result;
    const statements = [...opening(tenantId, ' READ ONLY'), ...pending.map((p) => p.sql), 'COMMIT'];
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as SimpleClient;
      const answers = (await client.query(statements.join(';\n')).catch(async (err) => {
        // PostgreSQL ran nothing after the failed statement: the transaction is still open.
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      })) as { rows: unknown[] }[];
      pending.forEach((p, i) => p.resolve(answers[i + 2].rows));
    } catch (err) {
      for (const p of pending) p.reject(err);
    } finally {
      await runner.release();
    }
    return result;
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
      const tenants = await knownTenants(manager, tenantIds);
      const eachTenant = async <R>(part: (tx: TenantTx) => Promise<R>): Promise<R[]> => {
        const results: R[] = [];
        for (const tenant of tenants) {
          await manager.query('select set_tenant($1)', [tenant.id]);
          const wrote = noWrites();
          results.push(await part(await this.txFor(manager, tenant.id, wrote, tenant)));
        }
        return results;
      };
      return work({ tenantIds, eachTenant });
    });
  }

  /** The unit of work over `manager`, whose transaction has `tenantId` set (set_tenant). */
  private async txFor(
    manager: EntityManager,
    tenantId: string,
    wrote: Writes,
    known?: TxTenant,
  ): Promise<TenantTx> {
    const tenant = known ?? (await knownTenants(manager, [tenantId]))[0];
    return txOf(tenant, oneQueryAtATime(manager, wrote));
  }
}

/** The unit of work of `tenant` over `manager`, on behalf of the request's user. */
function txOf(tenant: TxTenant, manager: EntityManager): TenantTx {
  const ctx = RequestContexts.current();
  const user = ctx?.user ? { id: ctx.user.id, name: ctx.user.name } : null;
  return { tenantId: tenant.id, tenant, user, requestId: ctx?.requestId ?? null, manager };
}

function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (!isUuid(tenantId)) throw new InvalidTenantIdError(tenantId);
}

const TENANT_COLUMNS = `id, slug, time_zone as "timeZone", locale`;

/**
 * The statements that open a transaction with the tenant set, for a simple-protocol query.
 * The id is inlined as a literal, which assertTenantId makes safe (hex digits and dashes).
 */
function opening(tenantId: string, mode: '' | ' READ ONLY' = ''): string[] {
  assertTenantId(tenantId);
  return [`START TRANSACTION${mode}`, `select set_tenant('${tenantId}')`];
}

/**
 * Opens the runner's transaction with the tenant set for a tenant the request's context does
 * not hold (jobs, seeds, another clinic), and reads its directory row, in one round trip. The
 * runner is left as startTransaction leaves it (active, depth 1), so commit, rollback and
 * savepoints work as usual.
 */
async function beginFor(runner: QueryRunner, tenantId: string): Promise<TxTenant> {
  const statements = [
    ...opening(tenantId),
    `select ${TENANT_COLUMNS} from tenants where id = '${tenantId}'`,
  ];
  Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
  // On pg's own client: a simple-protocol query (no parameters) answers one result per statement.
  const client = (await runner.connect()) as SimpleClient;
  const results = (await client.query(statements.join('; '))) as {
    rows: Omit<TxTenant, 'role'>[];
  }[];
  const row = results[2].rows[0];
  if (!row) throw new InvalidTenantIdError(tenantId);
  return { ...row, role: null };
}

/**
 * A transaction of the request's clinic that is not open yet: its first statement goes
 * with START TRANSACTION and `set_tenant` in one round trip (a simple-protocol query, the
 * parameters written in as literals), and every later one as usual. The runner is left as
 * startTransaction leaves it, so commit, rollback and savepoints work as usual; errors are
 * TypeORM's QueryFailedError, as from any other statement.
 */
class Opening {
  private open = false;
  readonly manager: EntityManager;

  constructor(
    private readonly runner: QueryRunner,
    private readonly tenantId: string,
  ) {
    this.manager = Object.create(runner.manager, {
      query: { value: (sql: string, params?: unknown[]) => this.query(sql, params) },
    }) as EntityManager;
  }

  /** The statements that open the transaction, while nothing has (then it is open). */
  pending(): string[] {
    if (this.open) return [];
    this.open = true;
    Object.assign(this.runner, { isTransactionActive: true, transactionDepth: 1 });
    return opening(this.tenantId);
  }

  private async query(sql: string, params: unknown[] = []): Promise<unknown> {
    const head = this.pending();
    if (head.length === 0) return this.runner.manager.query(sql, params);
    const client = (await this.runner.connect()) as SimpleClient;
    let answers: { command: string; rows: unknown[]; rowCount: number }[];
    try {
      answers = (await client.query([...head, withLiterals(sql, params)].join(';\n'))) as [];
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
    // What TypeORM's query answers: the rows, or [rows, count] for UPDATE and DELETE.
    const { command, rows, rowCount } = answers[head.length];
    return command === 'UPDATE' || command === 'DELETE' ? [rows, rowCount] : rows;
  }
}

/**
 * Sends `statements` and COMMIT in one round trip (a simple-protocol query); answers the
 * rows of each statement. The runner is left as commitTransaction leaves it. On an error in
 * one PostgreSQL runs nothing after it: the transaction is still open, for the rollback.
 */
async function commitWith(runner: QueryRunner, statements: string[]): Promise<unknown[][]> {
  const client = (await runner.connect()) as SimpleClient;
  const answers = await client.query([...statements, 'COMMIT'].join(';\n'));
  Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
  // pg answers a one-statement query with its result, a longer one with one per statement.
  const results = (Array.isArray(answers) ? answers : [answers]) as { rows: unknown[] }[];
  return results.slice(0, statements.length).map((r) => r.rows);
}

/** The pg client under a TypeORM query runner, for the multi-statement queries above. */
interface SimpleClient {
  query(text: string): Promise<unknown>;
}

function txTenant(ref: TenantRef): TxTenant {
  const { id, slug, timeZone, locale, role } = ref;
  return { id, slug, timeZone, locale, role };
}

/**
 * The tenants, in the order asked: the request's own from its context (with the user's
 * role), any other from the directory (role null). An unknown id fails loudly.
 */
async function knownTenants(
  manager: EntityManager,
  tenantIds: readonly string[],
): Promise<TxTenant[]> {
  const inContext = RequestContexts.current()?.tenant;
  const missing = tenantIds.filter((id) => id !== inContext?.id);
  // The door's own lookup: tenants is a directory table (no tenant policy).
  const rows = missing.length
    ? await manager.query<Omit<TxTenant, 'role'>[]>(
        `select ${TENANT_COLUMNS} from tenants where id = any($1::uuid[])`,
        [missing],
      )
    : [];
  const byId = new Map<string, TxTenant>(rows.map((r) => [r.id, { ...r, role: null }]));
  if (inContext) byId.set(inContext.id, txTenant(inContext));
  return tenantIds.map((id) => {
    const tenant = byId.get(id);
    if (!tenant) throw new InvalidTenantIdError(id);
    return tenant;
  });
}

/** What a unit of work wrote, as far as its statements say. */
interface Writes {
  any: boolean;
  /** A write to a table some cached read shows (see NOT_CACHED_TABLES). */
  shown: boolean;
  directory: boolean;
}
const noWrites = (): Writes => ({ any: false, shown: false, directory: false });
const WRITE = /\b(?:insert\s+into|update|delete\s+from)\s+(\w+)/gi;
const DIRECTORY_TABLES = new Set([
  'tenants',
  'memberships',
  'company_admins',
  'companies',
  'users',
]);

/**
 * Tables no cached read shows (the response cache's views: calendar, today board, pet page,
 * search, API day list, clinic access): a unit of work that writes only these leaves the
 * clinic's cached pages as they are. The owner-message relay and delivery write their rows
 * two or three times per booking in the background; each would otherwise throw the clinic's
 * pages away again. A view that starts showing one of them takes it off this list.
 */
const NOT_CACHED_TABLES = new Set(['owner_messages']);

/** Notes in `wrote` whether `sql` writes (over-eager is harmless: a cache miss too many). */
function noteWrites(sql: string, wrote: Writes): void {
  for (const [, name] of sql.matchAll(WRITE)) {
    const table = name.toLowerCase();
    wrote.any = true;
    if (!NOT_CACHED_TABLES.has(table)) wrote.shown = true;
    if (DIRECTORY_TABLES.has(table)) wrote.directory = true;
  }
}

/**
 * A transaction is one connection, which runs one query at a time: queries started together
 * (`Promise.all` inside a unit of work) are queued here rather than interleaved on the wire.
 * Each statement is also checked for writes (see noteWrites).
 */
function oneQueryAtATime(manager: EntityManager, wrote: Writes): EntityManager {
  let tail: Promise<unknown> = Promise.resolve();
  const query = (sql: string, params?: unknown[]) => {
    noteWrites(sql, wrote);
    const run = tail.then(() => manager.query(sql, params));
    tail = run.catch(() => undefined);
    return run;
  };
  return Object.create(manager, { query: { value: query } }) as EntityManager;
}

/** Anything that runs SQL: a TenantTx's manager, or the directory DataSource. */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * The rows a statement returns. The one helper for UPDATE/DELETE … RETURNING: TypeORM's
 * `query` answers those with `[rows, rowCount]` instead of the rows.
 */
export async function returningRows<T>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  return Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
    ? (result[0] as T[])
    : (result as T[]);
}

/** The first row a statement returns (a SELECT, INSERT or UPDATE … RETURNING), or null. */
export async function firstRow<T>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<T | null> {
  const [row] = await returningRows<T>(db, sql, params);
  return row ?? null;
}
