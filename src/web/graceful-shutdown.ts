import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { RequestGate } from './request-gate.js';

interface ShutdownDeps {
  app: NestExpressApplication;
  gate: RequestGate;
  log: Logger;
  graceMs: number;
  /** Closes what the app ran on (pools, embedded servers), after the app. */
  closeInfrastructure(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, tell live calendars to reconnect
 * elsewhere, let the requests in flight finish (up to the grace period), then close the
 * app and its pools, and exit. A second signal does not start a second shutdown.
 */
export function stopGracefullyOnSignals(deps: ShutdownDeps): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const { app, gate, log } = deps;
    const server = app.getHttpServer() as Server;
    log.info({ signal, inFlight: gate.inFlight, graceMs: deps.graceMs }, 'stopping: draining');
    server.close();
    server.closeIdleConnections();
    const finished = await gate.drain(deps.graceMs);
    if (finished) log.info('stopping: every request in flight was answered');
    else log.warn({ unanswered: gate.inFlight }, 'stopping: grace period over, requests cut off');
    server.closeAllConnections();
    try {
      await app.close();
      await deps.closeInfrastructure();
    } catch (err) {
      log.error({ err }, 'stopping: closing failed');
    }
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}
