import { createHash, randomUUID } from 'node:crypto';
import type { RequestListener, Server } from 'node:http';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { VIEWS_DIR } from '../common/paths.js';
import type { AppConfig } from '../config/config.js';
import { chooseLocale, type Translator } from '../i18n/i18n.js';
import type { AppMetrics } from '../metrics/metrics.js';
import type { AccessService } from '../tenant/access.service.js';
import { IDEMPOTENCY_KEY } from '../idempotency/once.js';
import { RequestContexts } from '../tenant/request-context.js';
import { csrfProtection } from './csrf.js';
import { pipelineErrorHandler, wantsJson } from './exception.filter.js';
import type { FastLane } from './fast-lane.js';
import type { RequestGate } from './request-gate.js';
import { setUpViewEngine } from './view-engine.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;
/** Liveness and readiness probes: answered without a session. */
const PROBE_PATHS = new Set(['/health', '/ready']);

interface PipelineDeps {
  config: AppConfig;
  sessionMiddleware: RequestHandler;
  translator: Translator;
  access: AccessService;
  metrics: AppMetrics;
  log: Logger;
  /** Signs the anonymous CSRF tokens (as it signs session cookies). */
  sessionSecret: string;
  gate: RequestGate;
  lane: FastLane;
}

/** Express middleware in the order each request meets it, before Nest's routes. */
export function configureHttpPipeline(app: NestExpressApplication, deps: PipelineDeps) {
  const { config } = deps;
  app.set('trust proxy', config.trustProxy);
  // The front door, before Express: liveness (touches nothing, so it answers even when all else
  // is busy) and admission (a request refused for overload costs no parsing, session or query).
  const server = app.getHttpServer() as Server;
  const [expressApp] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  // Behind the gate, the fast lane answers a session's repeat of a cached page without Express.
  server.on('request', deps.gate.front(deps.lane.wrap(expressApp)));
  app.use(deps.metrics.requestTimer());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'"],
          // Calendar blocks are placed with inline grid styles; style attributes cannot run script.
          'style-src-attr': ["'unsafe-inline'"],
          'form-action': ["'self'"],
          // Plain-HTTP embedded mode must not be told to upgrade to HTTPS.
          'upgrade-insecure-requests': config.session.cookieSecure ? [] : null,
        },
      },
      strictTransportSecurity: config.session.cookieSecure,
    }),
  );
  app.useStaticAssets(join(VIEWS_DIR, 'public'), { prefix: '/assets/', maxAge: '1h' });
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '1mb' }));

  app.use(cookieParser());
  // Probes touch neither Redis nor the database: no session for them (assets are served above).
  app.use((req: Request, res: Response, next: NextFunction) =>
    PROBE_PATHS.has(req.path) ? next() : deps.sessionMiddleware(req, res, next),
  );

  // One context per request: request id, user, later the tenant; read by every service and log line.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    (req as { id?: string }).id = requestId;
    res.setHeader('x-request-id', requestId);
    const user = req.session?.user;
    res.locals.user = user;
    res.locals.locale = chooseLocale({
      user: user?.locale,
      acceptLanguage: req.headers['accept-language'],
    });
    res.locals.path = req.originalUrl;
    const deadline = Date.now() + config.resilience.requestDeadlineMs;
    const mayCommit = () => Date.now() < deadline && !res.destroyed && !res.writableEnded;
    const { idempotencyKey, idempotencyFingerprint } = oneTimeKey(req);
    // Every page's forms get a fresh one-time key (views/partials/form-key.hbs).
    if (req.method === 'GET') res.locals.formKey = randomUUID();
    const ctx = { requestId, user, mayCommit, idempotencyKey, idempotencyFingerprint };
    (req as Request & { vetlaneContext?: typeof ctx }).vetlaneContext = ctx;
    RequestContexts.run(ctx, next);
  });

  app.use(
    csrfProtection({ secret: deps.sessionSecret, secureCookie: config.session.cookieSecure }),
  );

  // The header's clinic switcher, on pages only (cached per session: src/tenant/access.service.ts).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const user = req.session?.user;
    if (!user || req.method !== 'GET' || wantsJson(req)) return next();
    deps.access
      .switcher(user)
      .then(({ clinics, companies }) => {
        res.locals.switcher = {
          clinics,
          companies,
          isPlatformAdmin: user.isPlatformAdmin,
          multi: clinics.length + companies.length > 1,
        };
        next();
      })
      .catch(next);
  });
  app.use(pipelineErrorHandler(deps.log, deps.translator));

  setUpViewEngine(deps.translator);
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  // Templates compiled once per process (hbs keeps them when Express asks for its view cache),
  // except while developing, where an edited template shows on the next request.
  app.set('view cache', config.env !== 'development');
}

/**
 * A POST's one-time key: a form's `_formKey`, or the `Idempotency-Key` header (API, uploads),
 * which also names its request (method, URL and body, hashed) so that a reuse of the key
 * for something else is refused. A malformed key only means no deduplication.
 */
function oneTimeKey(req: Request): { idempotencyKey?: string; idempotencyFingerprint?: string } {
  if (req.method !== 'POST') return {};
  const formKey = (req.body as { _formKey?: unknown } | undefined)?._formKey;
  if (typeof formKey === 'string' && IDEMPOTENCY_KEY.test(formKey))
    return { idempotencyKey: formKey };
  const header = req.headers['idempotency-key'];
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) return {};
  const request = `${req.method} ${req.originalUrl} ${JSON.stringify(req.body ?? null)}`;
  const idempotencyFingerprint = createHash('sha256').update(request).digest('base64url');
  return { idempotencyKey: header, idempotencyFingerprint };
}
