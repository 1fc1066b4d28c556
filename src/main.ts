import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.js';
import { startInfrastructure } from './infrastructure.js';
import { createLogger } from './logger.js';
import { StartupError } from './common/startup-error.js';
import { stopGracefullyOnSignals } from './web/graceful-shutdown.js';
import { RequestGate } from './web/request-gate.js';
import { demoLogins } from '../seeds/demo.js';
import { DEMO_PASSWORD } from '../seeds/demo-data.js';

let showStacks = false;

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
  showStacks = config.logLevel === 'debug' || config.logLevel === 'trace';
  const log = createLogger(config.logLevel);
  const infra = await startInfrastructure(config, log);
  const app = await createApp(infra).catch(async (err) => {
    await infra.close();
    throw err;
  });
  stopGracefullyOnSignals({
    app,
    gate: app.get(RequestGate),
    log,
    graceMs: config.resilience.shutdownGraceMs,
    closeInfrastructure: () => infra.close(),
  });
  await app.listen(config.port, config.host).catch(async (err) => {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new StartupError(
        `Port ${config.port} is already in use (is Vetlane already running?); start with PORT=<another port> to run a second copy.`,
      );
    throw err;
  });

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

/** A failed start says what went wrong in a sentence; the stack only when asked for (LOG_LEVEL=debug). */
main().catch((err: unknown) => {
  const message =
    err instanceof StartupError
      ? err.message
      : err instanceof Error
        ? `${err.message || err.name} (set LOG_LEVEL=debug to see where it failed)`
        : `unexpected failure: ${String(err)}`;
  process.stderr.write(`Vetlane could not start: ${message}\n`);
  if (showStacks && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
