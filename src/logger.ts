import pino, { type DestinationStream, type Logger } from 'pino';

/** Structured JSON logs; each request's lines carry its id, tenant, user, status and latency. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'vetlane' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
