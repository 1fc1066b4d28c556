declare module 'express-session' {
  interface SessionData {
    /** A just-created API token, shown once on the next page and then forgotten. */
    newApiToken?: { name: string; token: string };
  }
}
export {};
