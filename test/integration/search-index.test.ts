import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { TenantDb } from '../../src/database/tenant-db.js';
import { searchSql } from '../../src/pet/pet.queries.js';
import { createClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl, tenantIdOf } from '../harness/services.js';
import { openRuntimeDb } from '../harness/runtime-db.js';

/**
 * The search box must stay fast at 100,000 clients (test/bench/search.ts measures it); here
 * we check that its query can use the trigram indexes for one tenant. The demo tables are
 * tiny, so sequential scans are switched off to ask "is the index usable", not "is it cheaper".
 */
describe('the search indexes', () => {
  let ds: DataSource;
  let db: TenantDb;
  beforeAll(async () => {
    ({ ds, db } = await openRuntimeDb());
  });
  afterAll(() => ds.destroy());

  it('lead with tenant_id and index the normalised search text with trigrams', async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def
         from pg_index where indexrelid::regclass::text in ('clients_search_idx', 'pets_search_idx') order by 1`,
    );
    expect(rows.map((r) => r.def)).toEqual([
      expect.stringMatching(/USING gin \(tenant_id, search_text gin_trgm_ops\)$/),
      expect.stringMatching(/USING gin \(tenant_id, search_text gin_trgm_ops\)$/),
    ]);
  });

  it("serve one tenant's search for a client or pet name through the trigram indexes", async () => {
    const clinic = await createClinic();
    const tenantId = clinic.id;
    // Enough rows that an index pays off over the tenant's btree, then fresh statistics.
    await adminQuery(
      superuserUrl(),
      `insert into clients (tenant_id, first_name, last_name, phone)
         select $1, 'Name' || i, 'Surname' || (i % 97), '600' || lpad(i::text, 6, '0') from generate_series(1, 20000) i`,
      [tenantId],
    );
    await adminQuery(
      superuserUrl(),
      `insert into pets (tenant_id, client_id, name, species)
         select tenant_id, id, 'Pet' || first_name, 'dog' from clients where tenant_id = $1`,
      [tenantId],
    );
    // VACUUM also flushes the GIN pending lists, which the planner counts against the index.
    await adminQuery(superuserUrl(), 'vacuum analyze clients');
    await adminQuery(superuserUrl(), 'vacuum analyze pets');
    const plan: string = await db.runFor(tenantId, async ({ manager }) => {
      await manager.query('set local enable_seqscan = off');
      const sql = searchSql({ words: 1, clients: true, pets: true });
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`explain ${sql}`, [
        tenantId,
        'zqxvw',
        20,
        'zqxvw',
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    // The 20,000 rows go again, so the rest of the run works on tables of the usual size.
    await adminQuery(superuserUrl(), 'delete from tenants where id = $1', [clinic.id]);
    expect(plan).toMatch(/Bitmap Index Scan on clients_search_idx/);
    expect(plan).toMatch(/Bitmap Index Scan on pets_search_idx/);
    // Both conditions in the index: under RLS that needs LIKE to be LEAKPROOF (roles.ts).
    expect(plan).toMatch(
      /Index Cond: \(\(tenant_id = '[0-9a-f-]{36}'::uuid\) AND \(search_text ~~ '%zqxvw%'::text\)\)/,
    );
  });

  it('keep search_text in step with the row: accents and case folded, phone digits joined', async () => {
    const tenantId = await tenantIdOf('clinica-veterinaria-centro');
    const text: string = await db.runFor(tenantId, async ({ manager }) => {
      const [row] = await manager.query(
        `insert into clients (tenant_id, first_name, last_name, phone) values ($1, 'Íñigo', 'MÚGICA', '+34 600 12 34 56')
         returning search_text`,
        [tenantId],
      );
      await manager.query('rollback');
      return row.search_text;
    });
    expect(text).toBe('inigo mugica  34600123456 ');
  });
});
