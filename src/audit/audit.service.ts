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
  /** Who did it, when the request context has no user yet (sign-in). */
  actor?: { id: string; name: string };
}

export interface AuditFilter {
  entity?: string;
  action?: string;
  /** Inclusive start and exclusive end instants. */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
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
        entry.actor?.id ?? ctx?.user?.id ?? null,
        entry.actor?.name ?? ctx?.user?.name ?? null,
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

  /** The clinic's log, newest first, filtered; one extra row tells the page there is more. */
  search(tx: TenantTx, filter: AuditFilter): Promise<AuditEvent[]> {
    return tx.manager.query(
      `select id, occurred_at as "occurredAt", actor_user_id as "actorUserId", actor_name as "actorName",
              action, entity, entity_id as "entityId", before, after
         from audit_events
        where tenant_id = $1
          and ($2::text is null or entity = $2) and ($3::text is null or action = $3)
          and ($4::timestamptz is null or occurred_at >= $4) and ($5::timestamptz is null or occurred_at < $5)
        order by occurred_at desc, id desc limit $6 offset $7`,
      [
        tx.tenantId,
        filter.entity ?? null,
        filter.action ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.limit,
        filter.offset,
      ],
    );
  }

  /** The entities and actions that occur in the clinic's log, for the filter's choices. */
  async facets(tx: TenantTx): Promise<{ entities: string[]; actions: string[] }> {
    const rows: { entity: string; action: string }[] = await tx.manager.query(
      `select distinct entity, action from audit_events
        where tenant_id = $1 and occurred_at > now() - interval '1 year' order by 1, 2`,
      [tx.tenantId],
    );
    return {
      entities: [...new Set(rows.map((r) => r.entity))],
      actions: [...new Set(rows.map((r) => r.action))],
    };
  }
}
