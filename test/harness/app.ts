import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { type Infrastructure, startInfrastructure } from '../../src/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { uniq } from './factories.js';

export interface TestApp {
  url: string;
  app: NestExpressApplication;
  infra: Infrastructure;
  close(): Promise<void>;
}

/**
 * A Redis key space of its own inside the run's (sessions, throttles, cache), for an app whose
 * counts must not mix with other files' (teardown still removes it with the run's prefix).
 */
export function ownRedisPrefix(name: string): Record<string, string> {
  return { REDIS_PREFIX: `${process.env.REDIS_PREFIX}${name}-${uniq()}:` };
}

/**
 * Tests measure outcomes, not speed: on a busy machine no request is refused for waiting in
 * the admission queue or for passing its deadline, unless a test sets those limits itself.
 */
const TEST_LIMITS = {
  ADMISSION_QUEUE: '10000',
  ADMISSION_QUEUE_WAIT_MS: '300000',
  REQUEST_DEADLINE_SECONDS: '300',
  ADMISSION_MAX_LAG_MS: '600000',
  // Every test posts from 127.0.0.1: the online booking page's limits have a test of their own.
  ONLINE_BOOKING_REQUESTS_PER_ADDRESS: '10000',
  ONLINE_BOOKING_REQUESTS_PER_CLINIC: '100000',
  ONLINE_BOOKING_PAGES_PER_ADDRESS: '100000',
};

/** The real app on the run's real services, listening on a free port. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  opts: { logLines?: string[] } = {},
): Promise<TestApp> {
  const config = loadConfig({ ...process.env, PORT: '0', ...TEST_LIMITS, ...overrides });
  const lines = opts.logLines;
  const destination = lines ? { write: (line: string) => void lines.push(line) } : undefined;
  const infra = await startInfrastructure(config, createLogger(config.logLevel, destination));
  const app = await createApp(infra);
  // Idle keep-alive connections are left to the client to close (fetch does after 4 s): a
  // server closing one at the moment a busy test process reuses it gives ECONNRESET.
  app.getHttpServer().keepAliveTimeout = 0;
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    infra,
    close: async () => {
      await app.close();
      await infra.close();
    },
  };
}
