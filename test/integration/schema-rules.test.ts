import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { RUNTIME_ROLE } from '../../src/database/roles.js';
import { superuserUrl } from '../harness/services.js';

/**
 * Reads the catalog and fails when a tenant table breaks an isolation rule
 * (ARCHITECTURE.md "Tenant isolation", STACK-NOTES.md "Citus"). A new table is covered
 * the moment it has a tenant_id column.
 */
// Global on purpose: read before a tenant is chosen (memberships for the clinic switcher,
// api_tokens to find the tenant of a Bearer token). Neither holds clinical content.
const DIRECTORY_TABLES = new Set(['memberships', 'api_tokens']);
/**
 * Tenant tables whose exclusion constraint must span tenants on purpose: a vet who works
 * at two clinics holds one time line (RLS still applies to reads). Their indexes and
 * constraints may lead with the user instead of the tenant.
 */
/**
 * The SECURITY DEFINER functions the runtime role may call, each for a reason: audit
 * partitions made ahead and dropped when expired, and the platform admin's counts (numbers
 * only). Every other one (the stats writers, trigger functions) runs only inside these or
 * inside triggers; the runtime role calling it directly could rewrite any tenant's numbers.
 */
const RUNTIME_DEFINER_FUNCTIONS = [
  'drop_expired_audit_partitions(integer)',
  'ensure_audit_partitions(integer)',
  'platform_appointments_per_day(date,date,uuid)',
  'platform_database_metrics()',
  'platform_tenant_stats()',
  'record_object_bytes(bigint)',
];
const CROSS_TENANT_CONSTRAINTS = new Map([['staff_bookings', ['staff_bookings_no_overlap']]]);

describe('schema rules for tenant tables', () => {
  const db = new pg.Client({ connectionString: superuserUrl() });
  let tenantTables: string[] = [];

  beforeAll(async () => {
    await db.connect();
    const { rows } = await db.query(`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
       order by 1`);
    tenantTables = rows.map((r) => r.relname).filter((t) => !DIRECTORY_TABLES.has(t));
  });
  afterAll(() => db.end());

  it('finds the tenant tables', () => {
    expect(tenantTables).toEqual(expect.arrayContaining(['clients', 'pets', 'staff']));
  });

  it('has RLS enabled and forced, with a plain-expression policy on the transaction-local setting', async () => {
    for (const table of tenantTables) {
      const {
        rows: [rel],
      } = await db.query(
        'select relrowsecurity, relforcerowsecurity from pg_class where oid = $1::regclass',
        [table],
      );
      expect({ table, ...rel }).toEqual({ table, relrowsecurity: true, relforcerowsecurity: true });
      const { rows: policies } = await db.query(
        'select qual, with_check from pg_policies where schemaname = $1 and tablename = $2',
        ['public', table],
      );
      expect({ table, count: policies.length }).toEqual({ table, count: 1 });
      for (const expr of [policies[0].qual, policies[0].with_check]) {
        expect(expr).toContain("current_setting('app.tenant_id'::text, true)");
        expect(expr).toMatch(/^\(?tenant_id = /);
        expect(expr.toLowerCase()).not.toContain('select');
      }
    }
  });

  it('leads every primary key and index with tenant_id and puts it in every unique and exclusion constraint', async () => {
    const { rows } = await db.query(
      `select c.relname as table, i.relname as index, ix.indisprimary, ix.indisunique,
              (select a.attname from pg_attribute a where a.attrelid = c.oid and a.attnum = ix.indkey[0]) as first_column
         from pg_index ix join pg_class i on i.oid = ix.indexrelid join pg_class c on c.oid = ix.indrelid
        where c.relname = any($1)`,
      [tenantTables],
    );
    for (const table of tenantTables)
      expect({ table, hasPk: rows.some((r) => r.table === table && r.indisprimary) }).toEqual({
        table,
        hasPk: true,
      });
    const exempt = new Set([...CROSS_TENANT_CONSTRAINTS.values()].flat());
    for (const r of rows.filter((r) => !exempt.has(r.index)))
      expect({ index: r.index, first: r.first_column }).toEqual({
        index: r.index,
        first: 'tenant_id',
      });
    const { rows: constraints } = await db.query(
      `select conname, conrelid::regclass::text as table,
              exists (select 1 from unnest(conkey) k join pg_attribute a on a.attrelid = conrelid and a.attnum = k where a.attname = 'tenant_id') as has_tenant
         from pg_constraint where contype in ('u', 'x', 'p') and conrelid::regclass::text = any($1)`,
      [tenantTables],
    );
    for (const c of constraints.filter((c) => !exempt.has(c.conname)))
      expect({ constraint: c.conname, hasTenant: c.has_tenant }).toEqual({
        constraint: c.conname,
        hasTenant: true,
      });
  });

  it('makes every foreign key between tenant tables carry tenant_id first, without SET NULL / SET DEFAULT', async () => {
    const { rows } = await db.query(
      `select conname, conrelid::regclass::text as from_table, confrelid::regclass::text as to_table, confdeltype,
              (select attname from pg_attribute where attrelid = conrelid and attnum = conkey[1]) as from_first,
              (select attname from pg_attribute where attrelid = confrelid and attnum = confkey[1]) as to_first
         from pg_constraint where contype = 'f'`,
    );
    const tenant = new Set(tenantTables);
    for (const fk of rows) {
      expect({ fk: fk.conname, setNullOrDefault: ['n', 'd'].includes(fk.confdeltype) }).toEqual({
        fk: fk.conname,
        setNullOrDefault: false,
      });
      // No directory table points at a tenant table (Citus: no FK from reference to distributed).
      if (!tenant.has(fk.from_table))
        expect({ fk: fk.conname, to: tenant.has(fk.to_table) }).toEqual({
          fk: fk.conname,
          to: false,
        });
      if (tenant.has(fk.from_table) && tenant.has(fk.to_table)) {
        expect({ fk: fk.conname, from: fk.from_first, to: fk.to_first }).toEqual({
          fk: fk.conname,
          from: 'tenant_id',
          to: 'tenant_id',
        });
      }
    }
  });

  it('runs the app as a role that owns no table and cannot bypass RLS', async () => {
    const {
      rows: [role],
    } = await db.query('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [
      RUNTIME_ROLE,
    ]);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const { rows: owned } = await db.query(
      `select c.relname from pg_class c join pg_roles r on r.oid = c.relowner
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and r.rolname = $1`,
      [RUNTIME_ROLE],
    );
    expect(owned).toEqual([]);
  });

  it('lets the runtime role execute only the SECURITY DEFINER functions on the allow-list', async () => {
    const { rows } = await db.query(
      `select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef and has_function_privilege($1, p.oid, 'execute')
        order by 1`,
      [RUNTIME_ROLE],
    );
    expect(rows.map((r) => r.fn.replace(/ /g, ''))).toEqual(RUNTIME_DEFINER_FUNCTIONS);
  });
});
