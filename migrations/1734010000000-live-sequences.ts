import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { disableTenantRls, enableTenantRls } from './rls.js';

/**
 * Live calendar events are numbered per clinic across every app process: the number comes
 * from this row, taken in the transaction that makes the change (its lock orders the
 * clinic's numbers as their commits), so a calendar connected to any process sees a skipped
 * number when an event from another process was lost (a Redis outage) and re-renders.
 */
export class LiveSequences1734010000000 implements MigrationInterface {
  name = 'LiveSequences1734010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table live_sequences (
        tenant_id uuid not null primary key,
        seq bigint not null default 0
      );
      ${enableTenantRls('live_sequences')}
    `);
    await q.query(distributeOnCitus({ tenant: ['live_sequences'] }));
    await q.query(`
      alter table live_sequences add constraint live_sequences_tenant
        foreign key (tenant_id) references tenants (id) on delete cascade`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`${disableTenantRls('live_sequences')} drop table live_sequences;`);
  }
}
