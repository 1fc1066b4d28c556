import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { csrfSync } from 'csrf-sync';
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
import { RequestContexts } from '../tenant/request-context.js';
import { pipelineErrorHandler, renderErrorPage, wantsJson } from './exception.filter.js';
import { SESSION_COOKIE } from './session.js';
import { setUpViewEngine } from './view-engine.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

interface PipelineDeps {
  config: AppConfig;
  sessionMiddleware: RequestHandler;
  translator: Translator;
  access: AccessService;
  metrics: AppMetrics;
  log: Logger;
}

/** Express middleware in the order each request meets it, before Nest's routes. */
export function configureHttpPipeline(app: NestExpressApplication, deps: PipelineDeps) {
  const { config } = deps;
  app.set('trust proxy', config.trustProxy);
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

  app.use(deps.sessionMiddleware);

  // One context per request: request id, user, later the tenant; read by every service and log line.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    (req as { id?: string }).id = requestId;
    res.setHeader('x-request-id', requestId);
    const user = req.session.user;
    res.locals.user = user;
    res.locals.locale = chooseLocale({
      user: user?.locale,
      acceptLanguage: req.headers['accept-language'],
    });
    res.locals.path = req.originalUrl;
    const ctx = { requestId, user };
    (req as Request & { vetlaneContext?: typeof ctx }).vetlaneContext = ctx;
    RequestContexts.run(ctx, next);
  });

  const csrf = csrfSync({
    getTokenFromRequest: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
    // The JSON API authenticates with Bearer tokens, which a browser never attaches on its own.
    skipCsrfProtection: (req) =>
      req.path.startsWith('/api/') && !req.headers.cookie?.includes(SESSION_COOKIE),
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (!err) {
        if (!wantsJson(req)) res.locals.csrfToken = csrf.generateToken(req);
        return next();
      }
      if (wantsJson(req))
        return res
          .status(403)
          .json({ error: { code: 'csrf_invalid', message: 'Missing or invalid CSRF token' } });
      renderErrorPage(res, 403, 'csrf_invalid');
    });
  });

  // The header's clinic switcher, on pages only (cached per session: src/tenant/access.service.ts).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const user = req.session.user;
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
