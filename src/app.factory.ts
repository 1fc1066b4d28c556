import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { setUpOpenApi } from './api/openapi.js';
import { AppModule } from './app.module.js';
import { ResponseCache } from './cache/response-cache.js';
import { Translator } from './i18n/i18n.js';
import type { Infrastructure } from './infrastructure.js';
import { AppMetrics } from './metrics/metrics.js';
import { AccessService } from './tenant/access.service.js';
import { AllExceptionsFilter } from './web/exception.filter.js';
import { configureHttpPipeline } from './web/http-pipeline.js';
import { VetlaneIoAdapter } from './web/io-adapter.js';
import { FastLane } from './web/fast-lane.js';
import { RequestGate } from './web/request-gate.js';
import { TenantThrottle } from './throttle/tenant-throttle.js';
import { SESSION_MIDDLEWARE } from './web/session.js';

/** Builds the Nest application on started infrastructure; main.ts and the tests both use it. */
export async function createApp(infra: Infrastructure): Promise<NestExpressApplication> {
  const translator = new Translator();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(infra, translator),
    {
      bodyParser: false, // parsed in the pipeline, before CSRF checks read the form
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(PinoNestLogger));
  configureHttpPipeline(app, {
    config: infra.config,
    sessionMiddleware: app.get(SESSION_MIDDLEWARE),
    translator,
    access: app.get(AccessService),
    metrics: app.get(AppMetrics),
    log: infra.log,
    sessionSecret: infra.sessionSecret,
    gate: app.get(RequestGate),
    lane: app.get(FastLane),
  });
  app.get(FastLane).useThrottle(app.get(TenantThrottle));
  app.get(RequestGate).useTranslator(translator);
  app.useWebSocketAdapter(
    new VetlaneIoAdapter(app, infra.cache, app.get(RequestGate), app.get(ResponseCache)),
  );
  app.useGlobalFilters(new AllExceptionsFilter(infra.log, translator));
  setUpOpenApi(app);
  return app;
}
