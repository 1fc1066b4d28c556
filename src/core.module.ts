import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CacheService } from './cache/cache.service.js';
import { ResponseCache } from './cache/response-cache.js';
import { APP_CONFIG } from './config/config.js';
import { DatabaseProbe } from './database/database-probe.js';
import { RUNTIME_DATA_SOURCE, TENANT_WRITES, TenantDb } from './database/tenant-db.js';
import { Translator } from './i18n/i18n.js';
import { AppMetrics } from './metrics/metrics.js';
import type { Infrastructure } from './infrastructure.js';
import { ObjectStorage } from './storage/object-storage.js';
import { JobQueue } from './message/job-queue.js';
import { Mailer } from './message/mailer.js';
import { FastLane } from './web/fast-lane.js';
import { RequestGate } from './web/request-gate.js';
import { createSessionMiddleware, SESSION_MIDDLEWARE } from './web/session.js';

export const LOG = Symbol('LOG');
/** The session secret, for features that derive their own signing keys from it. */
export const SESSION_SECRET = Symbol('SESSION_SECRET');

/** Infrastructure started before Nest, offered to every module through one door each. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(infra: Infrastructure, translator: Translator): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: infra.config },
      // Raw runtime DataSource: provided here for TenantDb and the few files eslint.config.js allows.
      { provide: RUNTIME_DATA_SOURCE, useValue: infra.dataSource },
      { provide: CacheService, useValue: infra.cache },
      {
        provide: ResponseCache,
        useValue: new ResponseCache(infra.cache, infra.config.responseCache.ttlSeconds),
      },
      // Every committed tenant write moves the response cache on (TenantDb calls it after COMMIT).
      { provide: TENANT_WRITES, useExisting: ResponseCache },
      {
        provide: AppMetrics,
        useFactory: (responses: ResponseCache, gate: RequestGate) =>
          new AppMetrics({ dataSource: infra.dataSource, responses, gate }),
        inject: [ResponseCache, RequestGate],
      },
      {
        provide: FastLane,
        useFactory: (responses: ResponseCache, metrics: AppMetrics) =>
          new FastLane(responses, metrics, infra.log),
        inject: [ResponseCache, AppMetrics],
      },
      { provide: DatabaseProbe, useValue: infra.databaseProbe },
      { provide: ObjectStorage, useValue: infra.storage },
      { provide: JobQueue, useValue: infra.queue },
      { provide: Mailer, useValue: infra.mailer },
      { provide: Translator, useValue: translator },
      { provide: LOG, useValue: infra.log },
      {
        provide: SESSION_MIDDLEWARE,
        useValue: createSessionMiddleware(infra.config, infra.cache, infra.sessionSecret),
      },
      { provide: SESSION_SECRET, useValue: infra.sessionSecret },
      { provide: RequestGate, useValue: new RequestGate(infra.config.resilience) },
      TenantDb,
    ];
    return {
      module: CoreModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
