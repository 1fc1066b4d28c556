import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { disableTenantRls, enableTenantRls } from './rls.js';

/**
 * One-time form keys and API Idempotency-Keys (issue 10): the first result of a create, kept
 * in the create's own transaction, so a repeat (a double click, a retried POST) gets that
 * result instead of a second row or a conflict with itself. Kept a day.
 */
export class IdempotencyKeys1733200000000 implements MigrationInterface {
  name = 'IdempotencyKeys1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table idempotency_keys (
        tenant_id uuid not null,
        key text not null check (length(key) <= 200),
        result jsonb,
        created_at timestamptz not null default now(),
        primary key (tenant_id, key)
      );
      create index idempotency_keys_age on idempotency_keys (tenant_id, created_at);
      ${enableTenantRls('idempotency_keys')}
    `);
    // On Citus: distributed with the other tenant tables before its foreign key exists.
    await q.query(distributeOnCitus({ tenant: ['idempotency_keys'] }));
    await q.query(`
      alter table idempotency_keys add constraint idempotency_keys_tenant
        foreign key (tenant_id) references tenants (id) on delete cascade`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`${disableTenantRls('idempotency_keys')} drop table idempotency_keys;`);
  }
}
