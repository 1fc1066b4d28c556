import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

/**
 * Who changed what and when. Append-only and the fastest-growing table, so it is
 * partitioned by month from day one; partitions are created ahead by a function the
 * app calls at start and daily (the runtime role cannot create tables itself).
 */
export class AuditLog1732500000000 implements MigrationInterface {
  name = 'AuditLog1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table audit_events (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        occurred_at timestamptz not null default now(),
        actor_user_id uuid,
        actor_name text,
        action text not null,
        entity text not null,
        entity_id uuid,
        before jsonb,
        after jsonb,
        request_id text,
        primary key (tenant_id, occurred_at, id)
      ) partition by range (occurred_at);
      create index audit_events_entity_idx on audit_events (tenant_id, entity, entity_id, occurred_at);
      create index audit_events_time_idx on audit_events (tenant_id, occurred_at desc);
      ${enableTenantRls('audit_events')}

      -- Creates this month's partition and the next months_ahead ones. Partitions are only
      -- reachable through the parent (and its policy): the runtime role has no grant on them.
      create function ensure_audit_partitions(months_ahead int default 3) returns int
      language plpgsql security definer set search_path = public as $$
      declare
        month date;
        part text;
        created int := 0;
      begin
        for i in 0..months_ahead loop
          month := (date_trunc('month', now()) + make_interval(months => i))::date;
          part := 'audit_events_' || to_char(month, 'YYYY_MM');
          if to_regclass(part) is null then
            execute format('create table %I partition of audit_events for values from (%L) to (%L)',
                           part, month, (month + interval '1 month')::date);
            execute format('revoke all on %I from vetlane_app', part);
            created := created + 1;
          end if;
        end loop;
        return created;
      end $$;
      revoke all on function ensure_audit_partitions(int) from public;
      grant execute on function ensure_audit_partitions(int) to vetlane_app;
      select ensure_audit_partitions(3);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function ensure_audit_partitions(int);
      drop table audit_events;
    `);
  }
}
