import { describe, expect, it } from '@jest/globals';
import { adminQuery, superuserUrl } from '../harness/services.js';

/**
 * Seed 002's table is the demo: the same clients, pets, staff and monthly appointments per
 * clinic. The seed is one transaction, so its rows share the tenant's created_at (now()),
 * which tells them from rows other tests add.
 */
describe('the demo seed', () => {
  it("has seed 002's clinics with their counts, in three companies", async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select t.slug, c.slug as company,
              (select count(*)::int from clients x where x.tenant_id = t.id and x.created_at = t.created_at) as clients,
              (select count(*)::int from pets x where x.tenant_id = t.id and x.created_at = t.created_at) as pets,
              (select count(*)::int from staff x where x.tenant_id = t.id and x.created_at = t.created_at) as staff,
              (select count(*)::int from appointments x where x.tenant_id = t.id and x.created_at = t.created_at) as appointments
         from tenants t join companies c on c.id = t.company_id
        where t.slug in ('hospital-veterinario-norte', 'pet-spa-deluxe', 'clinica-veterinaria-centro', 'vetgroom1', 'vetgroom-central')
        order by t.slug`,
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
      `select t.slug, t.currency,
              (select count(*)::int from price_items x where x.tenant_id = t.id) as items,
              (select count(*)::int from invoices x where x.tenant_id = t.id and x.series = 'INV') as invoices,
              (select coalesce(max(number), 0)::int from invoices x where x.tenant_id = t.id and x.series = 'INV') as last,
              (select count(*)::int from appointments x where x.tenant_id = t.id and x.created_at = t.created_at
                  and x.status = 'completed' and x.ends_at < t.created_at) as completed,
              (select count(*)::int from payments x where x.tenant_id = t.id and x.currency = t.currency) as payments,
              (select count(*)::int from client_balances x where x.tenant_id = t.id and x.balance_minor > 0) as owing
         from tenants t where t.slug in ('hospital-veterinario-norte', 'pet-spa-deluxe', 'clinica-veterinaria-centro')
        order by t.slug`,
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
