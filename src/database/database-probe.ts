import pg from 'pg';

/**
 * Readiness's own way to the database: one connection with short time-outs, apart from the
 * request pool, so /ready can still ask PostgreSQL (through pgBouncer) when every pooled
 * connection is busy, and a busy pool is not reported as a database that is down.
 */
export class DatabaseProbe {
  private readonly pool: pg.Pool;

  constructor(url: string, timeoutMs = 1000) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // A dropped idle connection is replaced on the next probe; the probe reports the outage.
    this.pool.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
