import type { RequestHandler } from 'express';
import session from 'express-session';
import type { CacheService } from '../cache/cache.service.js';
import type { AppConfig } from '../config/config.js';

export const SESSION_COOKIE = 'vetlane.sid';
export const SESSION_MIDDLEWARE = Symbol('SESSION_MIDDLEWARE');

/** How often a signed-in session's expiry moves on: its save and its cookie. */
export const SESSION_REFRESH_MS = 5 * 60_000;

/**
 * One session middleware for pages and the Socket.IO handshake; the cache module keeps the
 * sessions. A signed-in session still expires `SESSION_TTL_HOURS` after its last use, give or
 * take five minutes: rather than a store write and a Set-Cookie on every request (rolling),
 * it is saved (new TTL, new cookie expiry) at most every five minutes.
 */
export function createSessionMiddleware(
  config: AppConfig,
  cache: CacheService,
  secret: string,
): RequestHandler {
  const sessions = session({
    name: SESSION_COOKIE,
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    store: cache.sessionStore({ ttlSeconds: config.session.ttlHours * 3600 }),
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.cookieSecure,
      maxAge: config.session.ttlHours * 3600 * 1000,
    },
  });
  return (req, res, next) =>
    sessions(req, res, (err?: unknown) => {
      if (err) return next(err);
      const s = req.session;
      // Changing the session makes express-session save it and send its cookie again.
      if (s?.user && Date.now() - (s.refreshedAt ?? 0) > SESSION_REFRESH_MS)
        s.refreshedAt = Date.now();
      next();
    });
}
