import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_PREDICATE, TENANT_READ_PREDICATE } from './rls.js';

/** Re-creates the tenant_isolation policy of every table that has one (including later branches'). */
function recreatePolicies(using: string, check: string): string {
  return `
    do $do$
    declare r record;
    begin
      for r in select tablename from pg_policies
                where schemaname = 'public' and policyname = 'tenant_isolation' loop
        execute format('drop policy tenant_isolation on %I', r.tablename);
        execute format('create policy tenant_isolation on %I using (%s) with check (%s)',
                       r.tablename, $p$${using}$p$, $p$${check}$p$);
      end loop;
    end $do$;`;
}

/**
 * Company roll-ups: `set_tenants(uuid[])` sets a list of tenants (transaction-local, like
 * set_tenant) and every tenant policy also lets reads see the listed tenants. Writes keep
 * the single-tenant check, and TenantDb.runForCompany opens its transactions read only.
 * Tenants get a plan, which chooses their request limit.
 */
export class CompanyRollups1732540000000 implements MigrationInterface {
  name = 'CompanyRollups1732540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function set_tenant(t uuid) returns void language plpgsql volatile as $$
      begin
        perform set_config('citus.propagate_set_commands', 'local', true);
        execute format('SET LOCAL app.tenant_id = %L', t);
        execute 'SET LOCAL app.tenant_ids = ''''';
      end $$;

      create function set_tenants(ts uuid[]) returns void language plpgsql volatile as $$
      begin
        perform set_config('citus.propagate_set_commands', 'local', true);
        execute 'SET LOCAL app.tenant_id = ''''';
        execute format('SET LOCAL app.tenant_ids = %L', array_to_string(ts, ','));
      end $$;
      revoke all on function set_tenants(uuid[]) from public;
      grant execute on function set_tenants(uuid[]) to vetlane_app;

      alter table tenants add column plan text not null default 'standard'
        check (plan in ('basic', 'standard', 'enterprise'));
      ${recreatePolicies(TENANT_READ_PREDICATE, TENANT_PREDICATE)}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ${recreatePolicies(TENANT_PREDICATE, TENANT_PREDICATE)}
      alter table tenants drop column plan;
      drop function set_tenants(uuid[]);
      create or replace function set_tenant(t uuid) returns void language plpgsql volatile as $$
      begin
        perform set_config('citus.propagate_set_commands', 'local', true);
        execute format('SET LOCAL app.tenant_id = %L', t);
      end $$;
    `);
  }
}
