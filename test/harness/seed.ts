import { loadConfig } from '../../src/config/config.js';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { createLogger } from '../../src/logger.js';
import { seedDemo } from '../../seeds/demo.js';

/** The demo clinics, through pgBouncer as the runtime role, as the app seeds them. */
export async function seedDemoForTests() {
  const config = loadConfig(process.env);
  if (config.database.mode !== 'external') throw new Error('tests run in services mode');
  const log = createLogger('warn');
  const ds = await createRuntimeDataSource({
    url: config.database.url,
    poolSize: 2,
    log,
  }).initialize();
  try {
    await seedDemo({ dataSource: ds, log });
  } finally {
    await ds.destroy();
  }
}
