import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';
import { MIGRATIONS } from '../../migrations/index.js';

/**
 * Routes TypeORM's logging into pino. Failed queries go to debug: the ones we expect
 * (an exclusion-constraint conflict, a unique violation) are turned into domain errors by
 * the caller, and the ones we don't are logged by the error filter with the request.
 */
class PinoTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly pino: Logger) {}
  logQuery() {}
  logQueryError(error: string | Error, query: string) {
    this.pino.debug({ err: error, query }, 'query failed');
  }
  logQuerySlow(time: number, query: string) {
    this.pino.warn({ time, query }, 'slow query');
  }
  logSchemaBuild(message: string) {
    this.pino.debug(message);
  }
  logMigration(message: string) {
    this.pino.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown) {
    this.pino[level === 'log' ? 'debug' : level]({ message }, 'typeorm');
  }
}

/**
 * The runtime connection: role vetlane_app, through pgBouncer in transaction pooling. No
 * entities: every query is SQL in a module's `<module>.queries.ts`, and the migrations
 * (raw SQL) are the schema's only source of truth.
 */
export function createRuntimeDataSource(opts: { url: string; poolSize: number; log: Logger }) {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: [],
    synchronize: false,
    logging: ['error', 'warn'],
    logger: new PinoTypeOrmLogger(opts.log),
    maxQueryExecutionTime: 1000,
    extra: { max: opts.poolSize, connectionTimeoutMillis: 5000 },
  });
}

/** The owner's direct connection (not through pgBouncer), used only to migrate. */
export function createMigrationDataSource(opts: { url: string; log: Logger }) {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    logging: ['error', 'migration'],
    logger: new PinoTypeOrmLogger(opts.log),
    extra: { max: 1 },
  });
}

export async function runMigrations(opts: { url: string; log: Logger }): Promise<string[]> {
  const ds = await createMigrationDataSource(opts).initialize();
  try {
    const ran = await ds.runMigrations();
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export async function revertAllMigrations(opts: { url: string; log: Logger }): Promise<void> {
  const ds = await createMigrationDataSource(opts).initialize();
  try {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
  } finally {
    await ds.destroy();
  }
}
