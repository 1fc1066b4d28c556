/**
 * Per-tenant counts for a test to check the app against, in the form Citus plans too:
 * counted per tenant_id first (`with counted (kind, tenant_id, n)` from a UNION ALL of
 * grouped selects), then joined to the tenants and pivoted. A correlated sub-query from the
 * tenants (a reference table) into distributed tables is refused on Citus
 * (docker/citus/run-local.sh runs these tests on a cluster).
 */
export const countedPerTenant = (unions: string) => `with counted as (${unions})`;

/** The pivoted columns `"<kind>"` of `counted k`, 0 where a tenant has none. */
export const countColumns = (kinds: string[], type: 'int' | 'text' = 'int') =>
  kinds
    .map((kind) => `coalesce(sum(k.n) filter (where k.kind = '${kind}'), 0)::${type} as "${kind}"`)
    .join(', ');
