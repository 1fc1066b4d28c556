import pino, { type Logger } from 'pino';

/** Structured JSON logs; each request's lines carry its id, tenant, user, status and latency. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'vetlane' }, timestamp: pino.stdTimeFunctions.isoTime });
}
