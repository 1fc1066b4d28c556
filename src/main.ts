import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.js';
import { startInfrastructure } from './infrastructure.js';
import { createLogger } from './logger.js';
import { demoLogins } from '../seeds/demo.js';
import { DEMO_PASSWORD } from '../seeds/demo-data.js';

async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const infra = await startInfrastructure(config, log);
  const app = await createApp(infra);
  // Nest closes the app on SIGTERM (enableShutdownHooks); then the embedded servers stop.
  app.getHttpServer().on('close', () => void infra.close());
  await app.listen(config.port, config.host);

  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `Vetlane is running at ${url}`,
    `  mode: database ${config.database.mode}, storage ${config.storage.mode}, cache ${infra.cache.backend}`,
  ];
  if (config.seedDemo) {
    lines.push(`  Sign in at ${url}/login with any of these (password: ${DEMO_PASSWORD}):`);
    for (const l of demoLogins()) lines.push(`    ${l.email.padEnd(52)} ${l.role}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((err) => {
  process.stderr.write(
    `Vetlane could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
