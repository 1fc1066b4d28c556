import { Injectable } from '@nestjs/common';
import type { TenantTx } from '../database/tenant-db.js';
import type { MembershipRole } from './request-context.js';
import { TenantQueries } from './tenant.queries.js';

/**
 * Writes to the tenant module's tables from other modules' units of work: the clinic's time
 * zone (clinic settings) and who is a member of it (company staff). Each runs in the
 * caller's transaction, so it commits or rolls back with the caller's audit record.
 */
@Injectable()
export class TenantService {
  setTimeZone(tx: TenantTx, zone: string): Promise<void> {
    return TenantQueries.setTimeZone(tx, zone);
  }

  /** Counts bytes written to (or, negative, removed from) object storage for the admin's "Files". */
  recordObjectBytes(tx: TenantTx, delta: number): Promise<void> {
    return TenantQueries.recordObjectBytes(tx, delta);
  }

  /** Whether owners may book on the clinic's public page. */
  onlineBooking(tx: TenantTx): Promise<boolean> {
    return TenantQueries.onlineBooking(tx);
  }

  setOnlineBooking(tx: TenantTx, on: boolean): Promise<void> {
    return TenantQueries.setOnlineBooking(tx, on);
  }

  /** Minutes after its start when a booking that has not arrived counts as a no-show. */
  noShowGraceMinutes(tx: TenantTx): Promise<number> {
    return TenantQueries.noShowGraceMinutes(tx);
  }

  membershipRole(tx: TenantTx, userId: string): Promise<MembershipRole | null> {
    return TenantQueries.membershipRole(tx, userId);
  }

  /** Makes the user a member of the clinic with this role (or changes their role). */
  grantMembership(tx: TenantTx, userId: string, role: MembershipRole): Promise<void> {
    return TenantQueries.upsertMembership(tx, userId, role);
  }

  /** Ends the user's membership; the role they had, or null when they were not a member. */
  revokeMembership(tx: TenantTx, userId: string): Promise<MembershipRole | null> {
    return TenantQueries.deleteMembership(tx, userId);
  }
}
