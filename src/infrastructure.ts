import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CacheService } from './cache/cache.service.js';
import type { AppConfig, S3Settings } from './config/config.js';
import { type LocalSecrets, loadOrCreateLocalSecrets } from './config/local-secrets.js';
import { createRuntimeDataSource, runMigrations } from './database/data-sources.js';
import { DatabaseProbe } from './database/database-probe.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { startEmbeddedS3 } from './storage/embedded-s3.js';
import { ObjectStorage } from './storage/object-storage.js';
import { JobQueue } from './message/job-queue.js';
import { Mailer } from './message/mailer.js';
import { seedDemo } from '../seeds/demo.js';

/** The services the app runs on, started (embedded) or connected (services mode) before Nest. */
export interface Infrastructure {
  config: AppConfig;
  log: Logger;
  dataSource: DataSource;
  databaseProbe: DatabaseProbe;
  cache: CacheService;
  storage: ObjectStorage;
  /** pg-boss on the owner's direct connection (src/message/job-queue.ts says why). */
  queue: JobQueue;
  mailer: Mailer;
  sessionSecret: string;
  /** Stops what was started, in reverse order. */
  close(): Promise<void>;
}

export async function startInfrastructure(config: AppConfig, log: Logger): Promise<Infrastructure> {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const stop of closers.reverse())
      await Promise.resolve(stop()).catch((err) => log.warn({ err }, 'shutdown step failed'));
  };
  try {
    let secrets: LocalSecrets | undefined;
    const localSecrets = () => (secrets ??= loadOrCreateLocalSecrets(config.dataDir));

    let runtimeUrl: string;
    let directUrl: string;
    if (config.database.mode === 'embedded') {
      const pg = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        clusterDir: config.database.dir,
        port: config.database.port,
        secrets: localSecrets(),
        log: (msg) => log.info(msg),
      });
      closers.push(() => pg.stop());
      ({ runtimeUrl, directUrl } = pg);
    } else {
      ({ url: runtimeUrl, directUrl } = config.database);
    }

    if (config.migrateOnStart) {
      const ran = await runMigrations({ url: directUrl, log });
      if (ran.length) log.info({ migrations: ran }, 'migrated');
    }

    const dataSource = await createRuntimeDataSource({
      url: runtimeUrl,
      poolSize: config.poolSize,
      log,
    }).initialize();
    closers.push(() => dataSource.destroy());
    const databaseProbe = new DatabaseProbe(runtimeUrl);
    closers.push(() => databaseProbe.close());

    const queue = await JobQueue.start({ url: directUrl, config: config.mail, log });
    closers.push(() => queue.stop());
    const mailer = new Mailer(config.mail);
    closers.push(() => mailer.close());

    const cache = CacheService.open(config.redis);
    closers.push(() => cache.close());

    let s3: S3Settings;
    if (config.storage.mode === 'embedded') {
      const server = await startEmbeddedS3({
        dir: config.storage.dir,
        bucket: config.storage.bucket,
      });
      closers.push(() => server.stop());
      s3 = server.settings;
    } else {
      s3 = config.storage;
    }
    const storage = new ObjectStorage(s3);
    closers.push(() => storage.destroy());
    await storage.ensureBucket();

    if (config.seedDemo) await seedDemo({ dataSource, log });

    const sessionSecret = config.session.secret ?? localSecrets().sessionSecret;
    return {
      config,
      log,
      dataSource,
      databaseProbe,
      cache,
      storage,
      queue,
      mailer,
      sessionSecret,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
