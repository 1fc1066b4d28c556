import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { RUNTIME_ROLE } from '../../src/database/roles.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { createLogger } from '../../src/logger.js';
import { TenantContextMissingError } from '../../src/tenant/request-context.js';
import { type PgBouncer, startPgBouncer, tenantIdOf } from '../harness/services.js';

const log = createLogger('silent');

describe('the one door to tenant data', () => {
  let ds: DataSource;
  let db: TenantDb;
  let centro: string;
  let spa: string;

  beforeAll(async () => {
    ds = await createRuntimeDataSource({
      url: process.env.DATABASE_URL!,
      poolSize: 4,
      log,
    }).initialize();
    db = new TenantDb(ds);
    centro = await tenantIdOf('clinica-veterinaria-centro');
    spa = await tenantIdOf('pet-spa-deluxe');
  });
  afterAll(() => ds.destroy());

  it('shows only the current tenant rows to a query that forgets its tenant filter', async () => {
    const rows: { tenant_id: string }[] = await db.runFor(centro, ({ manager }) =>
      manager.query('select tenant_id from clients'),
    );
    expect(rows).toHaveLength(16);
    expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set([centro]));
    const pets: { n: number }[] = await db.runFor(spa, ({ manager }) =>
      manager.query('select count(*)::int as n from pets'),
    );
    expect(pets[0].n).toBe(55);
  });

  it('lets the runtime role read nothing and write nothing when no tenant is set', async () => {
    const [{ n }] = await ds.query('select count(*)::int as n from clients');
    expect(n).toBe(0);
    await expect(
      ds.query(
        `insert into clients (tenant_id, first_name, last_name) values ($1, 'Eve', 'Intruder')`,
        [centro],
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses to write a row into another tenant from inside a tenant transaction', async () => {
    await expect(
      db.runFor(centro, ({ manager }) =>
        manager.query(
          `insert into clients (tenant_id, first_name, last_name) values ($1, 'Eve', 'Intruder')`,
          [spa],
        ),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('fails loudly when tenant work runs with no tenant in the request context', async () => {
    await expect(db.run(async () => 'never')).rejects.toBeInstanceOf(TenantContextMissingError);
    await expect(db.runFor('not-a-uuid', async () => 'never')).rejects.toThrow(/Not a tenant id/);
  });

  describe('through one shared pgBouncer server connection', () => {
    const SHARED_POOL_SIZE = 8;
    let bouncer: PgBouncer;
    let shared: DataSource;
    beforeAll(async () => {
      const direct = new URL(process.env.DATABASE_DIRECT_URL!);
      bouncer = await startPgBouncer({
        pgHost: direct.hostname,
        pgPort: Number(direct.port),
        users: [RUNTIME_ROLE],
        poolSize: 1,
      });
      const url = `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}${direct.pathname}`;
      shared = await createRuntimeDataSource({ url, poolSize: SHARED_POOL_SIZE, log }).initialize();
    });
    afterAll(async () => {
      await shared.destroy();
      await bouncer.stop();
    });

    it('never lets one tenant see the other tenant setting or rows', async () => {
      const sharedDb = new TenantDb(shared);
      const pids = new Set<number>();
      const transaction = (tenant: string) =>
        sharedDb.runFor(tenant, async ({ manager }) => {
          const [row] = await manager.query(
            `select pg_backend_pid() as pid, current_setting('app.tenant_id') as setting,
                    count(*)::int as n, count(*) filter (where tenant_id <> $1)::int as foreign
               from clients`,
            [tenant],
          );
          pids.add(row.pid);
          return { tenant, ...row };
        });
      // Alternating tenants, as many in flight as the client pool has connections: they all
      // queue inside pgBouncer for its one server connection, none in the client pool, whose
      // connect timeout would otherwise bound the whole run (on Citus each count spans 32
      // shards, and 200 of them take longer than that).
      const queue = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? centro : spa));
      const results: Awaited<ReturnType<typeof transaction>>[] = [];
      await Promise.all(
        Array.from({ length: SHARED_POOL_SIZE }, async () => {
          for (let tenant = queue.shift(); tenant; tenant = queue.shift())
            results.push(await transaction(tenant));
        }),
      );
      expect(results).toHaveLength(200);
      expect(pids.size).toBe(1); // every transaction ran on the same server connection
      for (const r of results) {
        expect(r.setting).toBe(r.tenant);
        expect(r.foreign).toBe(0);
        expect(r.n).toBe(r.tenant === centro ? 16 : 26);
      }
      // Between transactions the connection carries no tenant at all.
      const [after] = await shared.query(
        `select coalesce(current_setting('app.tenant_id', true), '') as setting, (select count(*)::int from clients) as n`,
      );
      expect(after).toEqual({ setting: '', n: 0 });
    }, 240_000);
  });
});
