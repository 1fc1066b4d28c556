import type { DataSource } from 'typeorm';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { createLogger } from '../../src/logger.js';

/** The runtime role through pgBouncer, as the app connects, and the tenant door over it. */
export async function openRuntimeDb(poolSize = 2): Promise<{ ds: DataSource; db: TenantDb }> {
  const ds = await createRuntimeDataSource({
    url: process.env.DATABASE_URL!,
    poolSize,
    log: createLogger('silent'),
  }).initialize();
  return { ds, db: new TenantDb(ds) };
}
