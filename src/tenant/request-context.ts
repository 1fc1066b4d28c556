import { AsyncLocalStorage } from 'node:async_hooks';

export type MembershipRole = 'manager' | 'vet' | 'nurse' | 'front_desk';
/** What a user is in the clinic they are looking at; `api` for a request with an API token. */
export type ClinicRole = MembershipRole | 'company_admin' | 'platform_admin' | 'api';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: 'en' | 'es' | null;
  isPlatformAdmin: boolean;
  /** When this session signed in (ms): what the user may enter is cached per session. */
  signedInAt?: number;
}

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  locale: 'en' | 'es';
  companyId: string | null;
  /** Chooses the request limit (src/throttle). */
  plan: string;
  role: ClinicRole;
}

/** Set once per request by the context middleware; filled in by auth and tenant routing. */
export interface RequestContext {
  requestId: string;
  user?: SessionUser;
  tenant?: TenantRef;
  /**
   * False once the request is past its deadline, its client has gone, or it was answered:
   * then its transaction must not commit (TenantDb checks before COMMIT).
   */
  mayCommit?: () => boolean;
  /** A POST's one-time key (form `_formKey` or `Idempotency-Key`): see src/idempotency/once.ts. */
  idempotencyKey?: string;
  /** What an `Idempotency-Key`'s request asked (method, URL, body), hashed: a key names one request. */
  idempotencyFingerprint?: string;
  /**
   * The directory generations this request's access and switcher were read at: a page may
   * be remembered for the fast lane (src/web/fast-lane.ts) only when it was one, still current.
   */
  directoryGenerations?: Set<number>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContexts = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

export class TenantContextMissingError extends Error {
  constructor() {
    super('Tenant-scoped work ran without a tenant in the request context');
  }
}

/** Fails loudly rather than falling back: tenant-scoped code must never run unscoped. */
export function currentTenant(): TenantRef {
  const tenant = storage.getStore()?.tenant;
  if (!tenant) throw new TenantContextMissingError();
  return tenant;
}
