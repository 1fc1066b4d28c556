import { Injectable } from '@nestjs/common';
import type { TenantTx } from '../database/tenant-db.js';
import { RequestContexts } from '../tenant/request-context.js';

export interface AuditEntry {
  /** What happened, `<entity>.<verb>`: `appointment.moved`, `staff.created`, `user.signed_in`. */
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEvent {
  id: string;
  occurredAt: Date;
  actorUserId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The audit log: written in the same transaction as the change it describes, so a change
 * and its record commit or roll back together. The actor comes from the request context.
 */
@Injectable()
export class AuditService {
  async record(tx: TenantTx, entry: AuditEntry): Promise<void> {
    const ctx = RequestContexts.current();
    await tx.manager.query(
      `insert into audit_events (tenant_id, actor_user_id, actor_name, action, entity, entity_id, before, after, request_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tx.tenantId,
        ctx?.user?.id ?? null,
        ctx?.user?.name ?? null,
        entry.action,
        entry.entity,
        entry.entityId ?? null,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        ctx?.requestId ?? null,
      ],
    );
  }

  /** One entity's history, oldest first (an appointment's "who changed what"). */
  history(tx: TenantTx, entity: string, entityId: string): Promise<AuditEvent[]> {
    return tx.manager.query(
      `select id, occurred_at as "occurredAt", actor_user_id as "actorUserId", actor_name as "actorName",
              action, entity, entity_id as "entityId", before, after
         from audit_events where tenant_id = $1 and entity = $2 and entity_id = $3
        order by occurred_at, id`,
      [tx.tenantId, entity, entityId],
    );
  }
}
