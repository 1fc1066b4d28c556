import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ResponseCache } from '../cache/response-cache.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import {
  type ClinicRole,
  RequestContexts,
  type SessionUser,
  type TenantRef,
} from './request-context.js';
import { type ClinicChoice, type CompanyChoice, TenantQueries } from './tenant.queries.js';

export interface Switcher {
  clinics: ClinicChoice[];
  companies: CompanyChoice[];
}

/**
 * Who may enter which clinic. Reads only the directory tables (tenants, memberships,
 * company_admins), which hold no clinical content. Answers are cached per session (the
 * user and their sign-in) until the next write to a directory table (the response cache's
 * directory generation), so a page costs no directory query.
 */
@Injectable()
export class AccessService {
  constructor(
    // Raw runtime DataSource: the tenant is not known yet, and these are directory tables.
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly responses: ResponseCache,
  ) {}

  /** The clinic and the user's role in it, or null when it is unknown or forbidden (same 404). */
  async resolveClinic(slug: string, user: SessionUser): Promise<TenantRef | null> {
    const row = await this.responses.read(sessionRead(user, 'clinic-access', { slug }), () =>
      TenantQueries.clinicAccess(this.db, slug, user.id),
    );
    if (!row) return null;
    const { membershipRole, isCompanyAdmin, ...tenant } = row;
    const role: ClinicRole | null =
      membershipRole ??
      (isCompanyAdmin ? 'company_admin' : user.isPlatformAdmin ? 'platform_admin' : null);
    return role ? { ...tenant, role } : null;
  }

  /**
   * The public door of online booking: a clinic that opted in, for a visitor who is not
   * signed in (no role). An unknown clinic and one that did not opt in are the same null.
   */
  onlineBookingClinic(slug: string): Promise<Omit<TenantRef, 'role'> | null> {
    if (!/^[a-z0-9-]{1,80}$/.test(slug)) return Promise.resolve(null);
    return TenantQueries.onlineBookingClinic(this.db, slug);
  }

  /** Clinics taking online bookings, for the sweep that frees unconfirmed holds. */
  onlineBookingTenantIds(): Promise<string[]> {
    return TenantQueries.onlineBookingTenantIds(this.db);
  }

  /** The header's clinic switcher: clinics and companies the user may open. */
  switcher(user: SessionUser): Promise<Switcher> {
    return this.responses.read(sessionRead(user, 'switcher'), async () => ({
      clinics: await this.clinicsFor(user.id),
      companies: await this.companiesFor(user.id),
    }));
  }

  /** Clinics the user works at or administers through a company, for the switcher. */
  clinicsFor(userId: string): Promise<ClinicChoice[]> {
    return TenantQueries.clinicsFor(this.db, userId);
  }

  companiesFor(userId: string): Promise<CompanyChoice[]> {
    return TenantQueries.companiesFor(this.db, userId);
  }
}

/**
 * A directory read of one user's session (a new sign-in starts afresh); the request notes
 * the directory generation it was made at.
 */
function sessionRead(user: SessionUser, view: string, params: Record<string, string> = {}) {
  const ctx = RequestContexts.current();
  return {
    scope: 'directory' as const,
    view,
    userId: user.id,
    params: { ...params, session: user.signedInAt ?? 0 },
    onGeneration: (generation: number) =>
      (ctx ? (ctx.directoryGenerations ??= new Set()) : new Set()).add(generation),
  };
}
