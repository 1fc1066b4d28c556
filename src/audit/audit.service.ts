import { Injectable } from '@nestjs/common';
import type { TenantTx } from '../database/tenant-db.js';
import { type AuditEvent, type AuditFilter, AuditQueries } from './audit.queries.js';

export interface AuditEntry {
  /** What happened, `<entity>.<verb>`: `appointment.moved`, `staff.created`, `user.signed_in`. */
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Who did it, when the request context has no user yet (sign-in). */
  actor?: { id: string; name: string };
}

/**
 * The audit log: written in the same transaction as the change it describes, so a change
 * and its record commit or roll back together. The actor is the unit of work's user
 * (`tx.user`) unless the entry names one.
 */
@Injectable()
export class AuditService {
  async record(tx: TenantTx, entry: AuditEntry): Promise<void> {
    const actor = entry.actor ?? tx.user;
    await AuditQueries.insert(tx, {
      actorUserId: actor?.id ?? null,
      actorName: actor?.name ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      requestId: tx.requestId,
    });
  }

  /** One entity's history, oldest first (an appointment's "who changed what"). */
  history(tx: TenantTx, entity: string, entityId: string): Promise<AuditEvent[]> {
    return AuditQueries.history(tx, entity, entityId);
  }

  /** The clinic's log, newest first, filtered; one extra row tells the page there is more. */
  search(tx: TenantTx, filter: AuditFilter): Promise<AuditEvent[]> {
    return AuditQueries.search(tx, filter);
  }

  /** The entities and actions that occur in the clinic's log, for the filter's choices. */
  async facets(tx: TenantTx): Promise<{ entities: string[]; actions: string[] }> {
    const rows = await AuditQueries.facets(tx);
    return {
      entities: [...new Set(rows.map((r) => r.entity))],
      actions: [...new Set(rows.map((r) => r.action))],
    };
  }
}
