import type { RequestHandler } from 'express';
import session from 'express-session';
import type { CacheService } from '../cache/cache.service.js';
import type { AppConfig } from '../config/config.js';

export const SESSION_COOKIE = 'vetlane.sid';
export const SESSION_MIDDLEWARE = Symbol('SESSION_MIDDLEWARE');

/** One session middleware for pages and the Socket.IO handshake; the cache module keeps the sessions. */
export function createSessionMiddleware(
  config: AppConfig,
  cache: CacheService,
  secret: string,
): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    store: cache.sessionStore({ ttlSeconds: config.session.ttlHours * 3600 }),
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.cookieSecure,
      maxAge: config.session.ttlHours * 3600 * 1000,
    },
  });
}
