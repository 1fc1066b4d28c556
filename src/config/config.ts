import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads process.env (see main.ts). Everything else receives an AppConfig.
 * With no variables at all Vetlane runs embedded: Postgres, S3 and cache in or beside the process.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: url.optional(),
  DATABASE_DIRECT_URL: url.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  EMBEDDED_PG_PORT: port.default(54329),
  REDIS_URL: url.optional(),
  REDIS_PREFIX: z.string().min(1).default('vetlane:'),
  S3_ENDPOINT: url.optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: bool.default(false),
  MIGRATE_ON_START: bool.default(true),
  SEED_DEMO: bool.optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(100),
  LOGIN_ACCOUNT_WINDOW_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_BLOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(25 * 1024 * 1024),
  ATTACHMENT_MAX_PIXELS: z.coerce.number().int().min(10_000).max(500_000_000).default(50_000_000),
  ORPHAN_SWEEP_AGE_MINUTES: z.coerce.number().min(1).max(10_080).default(60),
  ORPHAN_SWEEP_INTERVAL_MINUTES: z.coerce.number().min(0).max(1440).default(15),
  FILE_LINK_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  FILE_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TENANT_REQUESTS_PER_MINUTE: z
    .string()
    .regex(
      /^\s*[a-z]+=\d+(\s*,\s*[a-z]+=\d+)*\s*$/,
      'use plan=limit pairs, e.g. basic=300,standard=600',
    )
    .default('basic=300,standard=600,enterprise=1500'),
  AUDIT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  ADMIN_STATS_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  ADMIN_RECOUNT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ADMISSION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).optional(),
  ADMISSION_QUEUE: z.coerce.number().int().min(0).max(100_000).default(20),
  ADMISSION_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(250),
  ADMISSION_MAX_LAG_MS: z.coerce.number().int().min(1).max(600_000).default(100),
  REQUEST_DEADLINE_SECONDS: z.coerce.number().min(1).max(600).default(20),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
  ONLINE_BOOKING_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  ONLINE_BOOKING_REQUESTS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(5),
  ONLINE_BOOKING_REQUESTS_PER_CLINIC: z.coerce.number().int().min(1).max(100_000).default(60),
  ONLINE_BOOKING_PAGES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(120),
  ONLINE_BOOKING_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'use smtp://user:pass@host:port or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Vetlane <no-reply@vetlane.local>'),
  MESSAGE_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
  MESSAGE_RELAY_AHEAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(600).default(2),
  MAIL_RETRY_LIMIT: z.coerce.number().int().min(0).max(50).default(5),
  MAIL_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

/** Requests per tenant per minute, by plan; a plan without its own limit gets `standard`'s. */
export type TenantPlanLimits = Record<string, number>;

function parsePlanLimits(raw: string): TenantPlanLimits {
  return Object.fromEntries(
    raw.split(',').map((pair) => {
      const [plan, limit] = pair.trim().split('=');
      return [plan, Number(limit)];
    }),
  );
}

export type DatabaseConfig =
  | { mode: 'embedded'; dir: string; port: number }
  | { mode: 'external'; url: string; directUrl: string };

/** How to reach an S3-compatible server: the configured one, or the embedded s3rver's. */
export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export type StorageConfig =
  { mode: 'embedded'; dir: string; bucket: string } | ({ mode: 'external' } & S3Settings);

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl?: string;
  logLevel: string;
  dataDir: string;
  database: DatabaseConfig;
  poolSize: number;
  redis: { url?: string; prefix: string };
  storage: StorageConfig;
  session: { secret?: string; ttlHours: number; cookieSecure: boolean };
  trustProxy: boolean;
  migrateOnStart: boolean;
  seedDemo: boolean;
  loginThrottle: {
    maxFailuresPerAccountAndIp: number;
    maxFailuresPerIp: number;
    blockMinutes: number;
    maxFailuresPerAccount: number;
    accountWindowHours: number;
  };
  attachments: AttachmentConfig;
  tenantThrottle: { perMinute: TenantPlanLimits };
  audit: { retentionMonths: number };
  /** The /admin numbers: cached this long; every clinic's rows recounted in the background this often. */
  admin: { statsTtlSeconds: number; recountSeconds: number };
  /** How long a cached page part lives (0: nothing is cached). Writes invalidate it sooner. */
  responseCache: { ttlSeconds: number };
  /** Bearer token of GET /metrics; without it /metrics answers 404. */
  metrics: { token?: string };
  resilience: ResilienceConfig;
  onlineBooking: OnlineBookingConfig;
  mail: MailConfig;
}

/** Messages to pet owners (src/message): the queue and how mail leaves. */
export interface MailConfig {
  /** SMTP server; without it mail goes to the local outbox (embedded mode's mail viewer). */
  smtpUrl?: string;
  from: string;
  relayIntervalMs: number;
  /** Messages due within this many seconds are handed to the queue, to start at their time. */
  relayAheadSeconds: number;
  pollSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
}

/** The owners' booking page (src/online-booking): holds and its abuse limits. */
export interface OnlineBookingConfig {
  /** How long an unverified request holds its slot. */
  holdMinutes: number;
  /** Booking requests per address per hour, and per clinic per hour. */
  requestsPerAddressPerHour: number;
  requestsPerClinicPerHour: number;
  /** Page views per address per minute. */
  pagesPerAddressPerMinute: number;
  /** How often expired holds are swept (0: only when the clinic's page is used). */
  sweepSeconds: number;
}

/** Overload and shutdown (src/web/request-gate.ts, main.ts). */
export interface ResilienceConfig {
  /** Requests worked on at once per process; default the pool's size. */
  maxInFlight: number;
  maxQueued: number;
  queueWaitMs: number;
  maxLagMs: number;
  /** No write commits after this long: the client has been answered (or has given up) by then. */
  requestDeadlineMs: number;
  shutdownGraceMs: number;
}

export interface AttachmentConfig {
  maxBytes: number;
  maxPixels: number;
  /** Objects without a row older than this are orphans (a crash between upload and insert). */
  orphanSweepAgeMinutes: number;
  /** How often the sweeper runs; 0 turns the periodic run off (tests call it directly). */
  orphanSweepIntervalMinutes: number;
  linkTtlSeconds: number;
  /** Signs file links; derived from the session secret when not given. */
  linkSecret?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; a missing or malformed variable stops the start, naming it. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])] ?? null)})`,
      ),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const dataDir = resolve(e.DATA_DIR);

  let database: DatabaseConfig;
  if (e.DATABASE_URL) {
    if (!e.DATABASE_DIRECT_URL)
      problems.push(
        'DATABASE_DIRECT_URL: required when DATABASE_URL is set (migrations bypass pgBouncer)',
      );
    database = { mode: 'external', url: e.DATABASE_URL, directUrl: e.DATABASE_DIRECT_URL ?? '' };
  } else {
    database = { mode: 'embedded', dir: resolve(dataDir, 'pg'), port: e.EMBEDDED_PG_PORT };
  }

  let storage: StorageConfig;
  if (e.S3_ENDPOINT) {
    for (const key of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[key]) problems.push(`${key}: required when S3_ENDPOINT is set`);
    }
    storage = {
      mode: 'external',
      endpoint: e.S3_ENDPOINT,
      bucket: e.S3_BUCKET ?? '',
      region: e.S3_REGION,
      accessKeyId: e.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
    };
  } else {
    storage = { mode: 'embedded', dir: resolve(dataDir, 's3'), bucket: e.S3_BUCKET ?? 'vetlane' };
  }

  if (!('standard' in parsePlanLimits(e.TENANT_REQUESTS_PER_MINUTE)))
    problems.push('TENANT_REQUESTS_PER_MINUTE: needs a limit for the standard plan');
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET)
    problems.push('SESSION_SECRET: required in production');
  if (problems.length) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    dataDir,
    database,
    poolSize: e.DATABASE_POOL_SIZE,
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    storage,
    session: {
      secret: e.SESSION_SECRET,
      ttlHours: e.SESSION_TTL_HOURS,
      cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
    },
    trustProxy: e.TRUST_PROXY,
    migrateOnStart: e.MIGRATE_ON_START,
    seedDemo: e.SEED_DEMO ?? database.mode === 'embedded',
    loginThrottle: {
      maxFailuresPerAccountAndIp: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      accountWindowHours: e.LOGIN_ACCOUNT_WINDOW_HOURS,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      blockMinutes: e.LOGIN_BLOCK_MINUTES,
    },
    attachments: {
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      maxPixels: e.ATTACHMENT_MAX_PIXELS,
      orphanSweepAgeMinutes: e.ORPHAN_SWEEP_AGE_MINUTES,
      orphanSweepIntervalMinutes: e.ORPHAN_SWEEP_INTERVAL_MINUTES,
      linkTtlSeconds: e.FILE_LINK_TTL_SECONDS,
      linkSecret: e.FILE_LINK_SECRET,
    },
    tenantThrottle: { perMinute: parsePlanLimits(e.TENANT_REQUESTS_PER_MINUTE) },
    audit: { retentionMonths: e.AUDIT_RETENTION_MONTHS },
    admin: { statsTtlSeconds: e.ADMIN_STATS_TTL_SECONDS, recountSeconds: e.ADMIN_RECOUNT_SECONDS },
    responseCache: { ttlSeconds: e.RESPONSE_CACHE_TTL_SECONDS },
    metrics: { token: e.METRICS_TOKEN },
    resilience: {
      maxInFlight: e.ADMISSION_MAX_IN_FLIGHT ?? e.DATABASE_POOL_SIZE,
      maxQueued: e.ADMISSION_QUEUE,
      queueWaitMs: e.ADMISSION_QUEUE_WAIT_MS,
      maxLagMs: e.ADMISSION_MAX_LAG_MS,
      requestDeadlineMs: e.REQUEST_DEADLINE_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    },
    onlineBooking: {
      holdMinutes: e.ONLINE_BOOKING_HOLD_MINUTES,
      requestsPerAddressPerHour: e.ONLINE_BOOKING_REQUESTS_PER_ADDRESS,
      requestsPerClinicPerHour: e.ONLINE_BOOKING_REQUESTS_PER_CLINIC,
      pagesPerAddressPerMinute: e.ONLINE_BOOKING_PAGES_PER_ADDRESS,
      sweepSeconds: e.ONLINE_BOOKING_SWEEP_SECONDS,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      relayIntervalMs: e.MESSAGE_RELAY_INTERVAL_MS,
      relayAheadSeconds: e.MESSAGE_RELAY_AHEAD_SECONDS,
      pollSeconds: e.QUEUE_POLL_SECONDS,
      retryLimit: e.MAIL_RETRY_LIMIT,
      retryDelaySeconds: e.MAIL_RETRY_DELAY_SECONDS,
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
