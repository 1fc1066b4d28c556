import type { DataSource } from 'typeorm';
import { type TenantTx, writeWithCommit } from '../database/tenant-db.js';

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

export interface AuditFilter {
  entity?: string;
  action?: string;
  /** Inclusive start and exclusive end instants. */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface AuditRow {
  actorUserId: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  /** JSON text, or null. */
  before: string | null;
  after: string | null;
  requestId: string | null;
}

const EVENT_COLUMNS = `id, occurred_at as "occurredAt", actor_user_id as "actorUserId", actor_name as "actorName",
  action, entity, entity_id as "entityId", before, after`;

/** SQL of the audit log (partitioned by month; partitions are kept by SQL functions). */
export const AuditQueries = {
  /** With the COMMIT where the unit of work allows it (TenantTx.defer): nobody reads it back. */
  async insert(tx: TenantTx, row: AuditRow): Promise<void> {
    await writeWithCommit(
      tx,
      `insert into audit_events (tenant_id, actor_user_id, actor_name, action, entity, entity_id, before, after, request_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        tx.tenantId,
        row.actorUserId,
        row.actorName,
        row.action,
        row.entity,
        row.entityId,
        row.before,
        row.after,
        row.requestId,
      ],
    );
  },

  history(tx: TenantTx, entity: string, entityId: string): Promise<AuditEvent[]> {
    return tx.manager.query<AuditEvent[]>(
      `select ${EVENT_COLUMNS}
         from audit_events where tenant_id = $1 and entity = $2 and entity_id = $3
        order by occurred_at, id`,
      [tx.tenantId, entity, entityId],
    );
  },

  search(tx: TenantTx, filter: AuditFilter): Promise<AuditEvent[]> {
    return tx.manager.query<AuditEvent[]>(
      `select ${EVENT_COLUMNS}
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
  },

  /** The distinct (entity, action) pairs of the last year. */
  facets(tx: TenantTx): Promise<{ entity: string; action: string }[]> {
    return tx.manager.query<{ entity: string; action: string }[]>(
      `select distinct entity, action from audit_events
        where tenant_id = $1 and occurred_at > now() - interval '1 year' order by 1, 2`,
      [tx.tenantId],
    );
  },

  /** Runs as maintenance over every tenant (SECURITY DEFINER function), not in a tenant. */
  async dropExpiredPartitions(db: DataSource, keepMonths: number): Promise<number> {
    const [row] = await db.query<{ dropped: number }[]>(
      'select drop_expired_audit_partitions($1) as dropped',
      [keepMonths],
    );
    return row.dropped;
  },

  async ensurePartitions(db: DataSource, monthsAhead: number): Promise<number> {
    const [row] = await db.query<{ created: number }[]>(
      'select ensure_audit_partitions($1) as created',
      [monthsAhead],
    );
    return row.created;
  },
};
