import type { SessionUser } from '../tenant/request-context.js';

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    csrfToken?: string;
    /** When the session's expiry last moved on (src/web/session.ts). */
    refreshedAt?: number;
  }
}
