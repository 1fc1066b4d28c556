import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';
import { runMigrations } from './data-sources.js';

/** `npm run migrate`: applies pending migrations as the owner over DATABASE_DIRECT_URL. */
const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
if (config.database.mode !== 'external') {
  log.info('No DATABASE_URL: the embedded database is migrated by `npm start` itself.');
} else {
  const ran = await runMigrations({ url: config.database.directUrl, log });
  log.info({ migrations: ran }, ran.length ? 'migrated' : 'already up to date');
}
