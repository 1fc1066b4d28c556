import type { SessionUser } from '../tenant/request-context.js';

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    csrfToken?: string;
  }
}
