import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AnonymousCsrf } from './anonymous-csrf.js';
import { renderErrorPage, wantsJson } from './exception.filter.js';
import { SESSION_COOKIE } from './session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function tokenFrom(req: Request): string | undefined {
  return (
    (req.body as { _csrf?: string } | undefined)?._csrf ??
    (req.headers['x-csrf-token'] as string | undefined)
  );
}

/** The JSON API authenticates with Bearer tokens, which a browser never attaches on its own. */
function bearerApi(req: Request): boolean {
  return req.path.startsWith('/api/') && !req.headers.cookie?.includes(SESSION_COOKIE);
}

function refuse(req: Request, res: Response) {
  if (wantsJson(req))
    return res
      .status(403)
      .json({ error: { code: 'csrf_invalid', message: 'Missing or invalid CSRF token' } });
  renderErrorPage(res, 403, 'csrf_invalid');
}

/**
 * CSRF for every form: a signed-in user's token lives in their session (csrf-sync); a visitor
 * who is not signed in gets a signed double-submit token (AnonymousCsrf), so the sign-in page
 * and anything else anonymous store no session. Pages find the token in `csrfToken`.
 */
export function csrfProtection(opts: { secret: string; secureCookie: boolean }): RequestHandler {
  const synced = csrfSync({ getTokenFromRequest: tokenFrom, skipCsrfProtection: bearerApi });
  const anonymous = new AnonymousCsrf(opts.secret, opts.secureCookie);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.session?.user) {
      if (
        !SAFE_METHODS.has(req.method) &&
        !bearerApi(req) &&
        !anonymous.verify(req, tokenFrom(req))
      )
        return refuse(req, res);
      if (!wantsJson(req)) res.locals.csrfToken = anonymous.tokenFor(req, res);
      return next();
    }
    synced.csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (err) return refuse(req, res);
      if (!wantsJson(req)) res.locals.csrfToken = synced.generateToken(req);
      next();
    });
  };
}
