/**
 * SQL for the tenant isolation rules every tenant table follows (ARCHITECTURE.md,
 * "Tenant isolation"). The policy is a plain expression so Citus accepts it, and it
 * neither errors nor leaks when no tenant is set.
 */
export const TENANT_PREDICATE = `tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid`;

export function enableTenantRls(table: string): string {
  return `
    alter table ${table} enable row level security;
    alter table ${table} force row level security;
    create policy tenant_isolation on ${table}
      using (${TENANT_PREDICATE}) with check (${TENANT_PREDICATE});`;
}

export function disableTenantRls(table: string): string {
  return `drop policy if exists tenant_isolation on ${table};
    alter table ${table} no force row level security;
    alter table ${table} disable row level security;`;
}
