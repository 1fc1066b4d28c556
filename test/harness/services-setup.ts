import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { runMigrations } from '../../src/database/data-sources.js';
import { bootstrapDatabase, OWNER_ROLE, RUNTIME_ROLE } from '../../src/database/roles.js';
import { startEmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { adminQuery, dropDatabase, startPgBouncer } from './services.js';
import { seedDemoForTests } from './seed.js';
import { startTestSmtp } from './mail-server.js';

/**
 * Real services for the whole run: a fresh database on the local PostgreSQL (migrated and
 * seeded), the Debian pgBouncer in transaction mode in front of it, Redis with a key
 * prefix of this run, and s3rver over HTTP. Everything is dropped in global-teardown.
 */
export async function setUpServices() {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `vetlane_test_${run}`;
  const teardown: (() => Promise<unknown>)[] = [];
  (globalThis as { __vetlaneTeardown?: typeof teardown }).__vetlaneTeardown = teardown;

  const admin = new URL(adminUrl);
  // A Citus cluster (docker/citus/run-local.sh): PG_ADMIN_URL is its coordinator.
  const workerAdminUrls = process.env.CITUS_WORKER_ADMIN_URLS?.split(',').filter(Boolean);
  await bootstrapDatabase({ adminUrl, database, workerAdminUrls });
  teardown.push(() => dropDatabase(adminUrl, database));
  const direct = `postgres://${OWNER_ROLE}@${admin.host}/${database}`;
  await runMigrations({ url: direct, log: createLogger('warn') });

  let runtimeUrl = process.env.DATABASE_URL;
  if (!runtimeUrl) {
    const bouncer = await startPgBouncer({
      pgHost: admin.hostname,
      pgPort: Number(admin.port || 5432),
      users: [RUNTIME_ROLE, OWNER_ROLE],
    });
    teardown.push(() => bouncer.stop());
    runtimeUrl = `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}/${database}`;
  }

  const s3dir = mkdtempSync(join(tmpdir(), 'vetlane-s3-'));
  const s3 = await startEmbeddedS3({ dir: s3dir, bucket: 'vetlane-test' });
  teardown.push(async () => {
    await s3.stop();
    rmSync(s3dir, { recursive: true, force: true });
  });

  const mailbox = mkdtempSync(join(tmpdir(), 'vetlane-mail-'));
  const smtp = await startTestSmtp(mailbox);
  teardown.push(async () => {
    await smtp.stop();
    rmSync(mailbox, { recursive: true, force: true });
  });

  Object.assign(process.env, {
    NODE_ENV: 'test',
    SMTP_URL: smtp.url,
    TEST_MAILBOX_DIR: mailbox,
    MAIL_FROM: 'Vetlane test <no-reply@vetlane.test>',
    // Messages leave within a second or two of their time: tests wait for them.
    MESSAGE_RELAY_INTERVAL_MS: '200',
    QUEUE_POLL_SECONDS: '0.5',
    MAIL_RETRY_DELAY_SECONDS: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PG_ADMIN_URL: adminUrl,
    DATABASE_URL: runtimeUrl,
    DATABASE_DIRECT_URL: direct,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `vetlane-test:${run}:`,
    S3_ENDPOINT: s3.settings.endpoint,
    S3_BUCKET: s3.settings.bucket,
    S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    VETLANE_TEST_RUN: run,
  });
  await seedDemoForTests();
  // Sanity: the runtime role must be subject to RLS, or every isolation test is moot.
  const role = await adminQuery(
    adminUrl,
    'select rolsuper, rolbypassrls from pg_roles where rolname = $1',
    [RUNTIME_ROLE],
  );
  if (role.rows[0]?.rolsuper || role.rows[0]?.rolbypassrls)
    throw new Error(`${RUNTIME_ROLE} must not bypass RLS`);
}
