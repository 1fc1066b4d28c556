import { describe, expect, it } from '@jest/globals';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { countColumns, countedPerTenant } from '../harness/tenant-counts.js';

/**
 * Seed 002's table is the demo: the same clients, pets, staff and monthly appointments per
 * clinic. The seed is one transaction, so its rows share the tenant's created_at (now()),
 * which tells them from rows other tests add.
 */
describe('the demo seed', () => {
  it("has seed 002's clinics with their counts, in three companies", async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `${countedPerTenant(`
          select 'clients' as kind, x.tenant_id, count(*)::int as n from clients x
            join tenants t on t.id = x.tenant_id and x.created_at = t.created_at group by x.tenant_id
          union all
          select 'pets', x.tenant_id, count(*)::int from pets x
            join tenants t on t.id = x.tenant_id and x.created_at = t.created_at group by x.tenant_id
          union all
          select 'staff', x.tenant_id, count(*)::int from staff x
            join tenants t on t.id = x.tenant_id and x.created_at = t.created_at group by x.tenant_id
          union all
          select 'appointments', x.tenant_id, count(*)::int from appointments x
            join tenants t on t.id = x.tenant_id and x.created_at = t.created_at group by x.tenant_id`)}
       select t.slug, c.slug as company, ${countColumns(['clients', 'pets', 'staff', 'appointments'])}
         from tenants t join companies c on c.id = t.company_id left join counted k on k.tenant_id = t.id
        where t.slug in ('hospital-veterinario-norte', 'pet-spa-deluxe', 'clinica-veterinaria-centro', 'vetgroom1', 'vetgroom-central')
        group by t.slug, c.slug order by t.slug`,
    );
    expect(rows).toEqual([
      {
        slug: 'clinica-veterinaria-centro',
        company: 'grupo-vetsalud',
        clients: 16,
        pets: 24,
        staff: 14,
        appointments: 351,
      },
      {
        slug: 'hospital-veterinario-norte',
        company: 'grupo-vetsalud',
        clients: 16,
        pets: 24,
        staff: 14,
        appointments: 356,
      },
      {
        slug: 'pet-spa-deluxe',
        company: 'deluxe-pet-care',
        clients: 26,
        pets: 55,
        staff: 14,
        appointments: 351,
      },
      {
        slug: 'vetgroom-central',
        company: 'vetgroom',
        clients: 10,
        pets: 12,
        staff: 4,
        appointments: 8,
      },
      {
        slug: 'vetgroom1',
        company: 'vetgroom',
        clients: 108,
        pets: 216,
        staff: 7,
        appointments: 129,
      },
    ]);
  });

  it('bills every completed past visit: gapless invoice numbers, payments in the clinic currency, some still owing', async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `${countedPerTenant(`
          select 'items' as kind, x.tenant_id, count(*)::int as n from price_items x group by x.tenant_id
          union all
          select 'invoices', x.tenant_id, count(*)::int from invoices x where x.series = 'INV' group by x.tenant_id
          union all
          select 'last', x.tenant_id, max(x.number)::int from invoices x where x.series = 'INV' group by x.tenant_id
          union all
          select 'completed', x.tenant_id, count(*)::int from appointments x join tenants t on t.id = x.tenant_id
           where x.created_at = t.created_at and x.status = 'completed' and x.ends_at < t.created_at
           group by x.tenant_id
          union all
          select 'payments', x.tenant_id, count(*)::int from payments x join tenants t on t.id = x.tenant_id
           where x.currency = t.currency group by x.tenant_id
          union all
          select 'owing', x.tenant_id, count(*)::int from client_balances x where x.balance_minor > 0
           group by x.tenant_id`)}
       select t.slug, t.currency, ${countColumns(['items', 'invoices', 'last', 'completed', 'payments', 'owing'])}
         from tenants t left join counted k on k.tenant_id = t.id
        where t.slug in ('hospital-veterinario-norte', 'pet-spa-deluxe', 'clinica-veterinaria-centro')
        group by t.slug, t.currency order by t.slug`,
    );
    expect(rows.map((r) => [r.slug, r.currency, r.items])).toEqual([
      ['clinica-veterinaria-centro', 'EUR', 7],
      ['hospital-veterinario-norte', 'MXN', 7],
      ['pet-spa-deluxe', 'USD', 7],
    ]);
    for (const r of rows) {
      expect({ slug: r.slug, gapless: r.invoices === r.last }).toEqual({
        slug: r.slug,
        gapless: true,
      });
      expect(r.invoices).toBeGreaterThan(50);
      expect(r.invoices).toBeGreaterThanOrEqual(r.completed);
      expect(r.payments).toBeGreaterThan(r.invoices / 2);
      expect(r.owing).toBeGreaterThan(0);
    }
  });
});
