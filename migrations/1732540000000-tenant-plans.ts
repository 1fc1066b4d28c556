import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants get a plan, which chooses their request limit (TENANT_REQUESTS_PER_MINUTE).
 *
 * Company roll-ups deliberately do not widen the tenant policies to a list of tenants
 * (`app.tenant_ids`): measured on 10,000 tenants, an OR in the policy (or an `= any`
 * over the list) stops the planner from folding the policy into a one-time check against
 * the query's own `tenant_id = $1`, and single-tenant queries then scan all of the
 * tenant's rows (0.3 ms → 67–290 ms for a 7-day count on a 200,000-appointment clinic).
 * TenantDb.runForCompany sets each tenant in turn instead.
 */
export class TenantPlans1732540000000 implements MigrationInterface {
  name = 'TenantPlans1732540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table tenants add column plan text not null default 'standard'
        check (plan in ('basic', 'standard', 'enterprise'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table tenants drop column plan');
  }
}
