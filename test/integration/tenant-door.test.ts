import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { RUNTIME_ROLE } from '../../src/database/roles.js';
import { withLiterals } from '../../src/database/literal-sql.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { createLogger } from '../../src/logger.js';
import {
  RequestContexts,
  type TenantRef,
  TenantContextMissingError,
} from '../../src/tenant/request-context.js';
import { createClinic } from '../harness/factories.js';
import { type PgBouncer, startPgBouncer, tenantIdOf } from '../harness/services.js';

const log = createLogger('silent');

/** Work on behalf of a request of the clinic `id` (its context, as the routing sets it). */
function asClinic<T>(id: string, work: () => Promise<T>): Promise<T> {
  const tenant: TenantRef = {
    ...{ id, slug: 'x', name: 'x', timeZone: 'UTC', locale: 'en', companyId: null },
    ...{ plan: 'standard', role: 'front_desk' },
  };
  return RequestContexts.run({ requestId: 'tenant-door', tenant }, work);
}

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

  describe('reads in one round trip', () => {
    it('writes any parameter as a literal the server reads back as the parameter itself', async () => {
      const values: [string, unknown][] = [
        ['text', "O'Brien"],
        ['text', 'back\\slash and \\\\ two'],
        ['text', "'; delete from clients; --"],
        ['text', "E'\\x41'"],
        ['text', 'ñandú 🐾 \u0001'],
        ['text', 'looks like $1 and $2'],
        ['text', ''],
        ['text[]', ['a"b', 'c,d', '{e}', '\\', "f'g", 'NULL', null]],
        ['timestamptz', new Date('2026-03-08T10:15:30.123Z')],
        ['jsonb', { name: "x'y\\z", list: [1, '"'] }],
        ['boolean', true],
        ['numeric', 42.5],
        ['uuid', null],
      ];
      for (const [type, value] of values) {
        const sql = `select $1::${type} as v, $1::${type} is null as empty`;
        const [asParameter] = await ds.query(sql, [value]);
        const [asLiteral] = await ds.query(withLiterals(sql, [value]));
        expect({ type, value, read: asLiteral }).toEqual({ type, value, read: asParameter });
      }
      expect(() => withLiterals('select $2', ['one'])).toThrow(/No parameter \$2/);
    });

    it("answers each read with its own statement's rows, of the request's clinic only, in one round trip", async () => {
      const [clients, pets, stamps] = await asClinic(centro, () =>
        db.readTogether((tx) =>
          Promise.all([
            // No tenant filter: the clinic's policy is what keeps the other clinics' rows out.
            tx.manager.query('select tenant_id, statement_timestamp() as at from clients'),
            tx.manager.query(
              'select count(*)::int as n, statement_timestamp() as at from pets where species = $1',
              ['dog'],
            ),
            tx.manager.query(
              "select current_setting('app.tenant_id') as tenant, statement_timestamp() as at, transaction_timestamp() as began",
            ),
          ]),
        ),
      );
      expect(clients).toHaveLength(16);
      expect(new Set(clients.map((r: { tenant_id: string }) => r.tenant_id))).toEqual(
        new Set([centro]),
      );
      expect(pets[0].n).toBeGreaterThan(0);
      expect(stamps[0].tenant).toBe(centro);
      // One message from the client: every statement of it has the same statement timestamp.
      const at = (r: { at: Date }) => r.at.getTime();
      expect(new Set([at(clients[0]), at(pets[0]), at(stamps[0])]).size).toBe(1);
      // And the connection is left with no tenant and no transaction.
      const [after] = await ds.query(
        "select coalesce(current_setting('app.tenant_id', true), '') as tenant, (select count(*)::int from clients) as n",
      );
      expect(after).toEqual({ tenant: '', n: 0 });
    });

    it('refuses a read that waits on another, and any write', async () => {
      await expect(
        asClinic(spa, () =>
          db.readTogether(async (tx) => {
            await tx.manager.query('select 1');
            return tx.manager.query('select 2');
          }),
        ),
      ).rejects.toThrow(/a read waited on another/);
      await expect(
        asClinic(spa, () =>
          db.readTogether((tx) =>
            tx.manager.query(`update clients set first_name = first_name where false`),
          ),
        ),
      ).rejects.toThrow(/reads only/);
    });

    it('fails the reads with the failing statement and leaves the connection clean', async () => {
      for (let i = 0; i < 4; i++)
        await expect(
          asClinic(spa, () =>
            db.readTogether((tx) =>
              Promise.all([tx.manager.query('select 1 as one'), tx.manager.query('select 1 / 0')]),
            ),
          ),
        ).rejects.toMatchObject({ code: '22012' });
      // The connections that failed still answer, outside any transaction.
      const answers = await Promise.all(
        [centro, spa].map((id) =>
          asClinic(id, () =>
            db.readTogether((tx) => tx.manager.query('select count(*)::int as n from clients')),
          ),
        ),
      );
      expect(answers.map((a) => a[0].n)).toEqual([16, 26]);
    });

    it('needs the clinic of the request, as every unit of tenant work does', async () => {
      await expect(db.readTogether((tx) => tx.manager.query('select 1'))).rejects.toThrow(
        TenantContextMissingError,
      );
    });
  });

  it("tells the response cache of a write a cached page shows, not of the owner messages' alone", async () => {
    const told: string[] = [];
    const watched = new TenantDb(ds, {
      tenantWritten: async (id: string) => void told.push(id),
    });
    // What the message relay and delivery write: no cached page shows it.
    await watched.runFor(spa, ({ manager }) =>
      manager.query(
        'update owner_messages set relayed_at = relayed_at where tenant_id = $1 and false',
        [spa],
      ),
    );
    expect(told).toEqual([]);
    await watched.runFor(spa, async ({ manager }) => {
      await manager.query(
        'update owner_messages set relayed_at = relayed_at where tenant_id = $1 and false',
        [spa],
      );
      await manager.query('update pets set name = name where tenant_id = $1 and false', [spa]);
    });
    expect(told).toEqual([spa]);
  });

  describe('writes sent with the COMMIT', () => {
    it('saves a deferred write with the unit of work, and a failing one takes the whole unit back', async () => {
      const clinic = await createClinic();
      const clients = (name: string) =>
        db.runFor(clinic.id, ({ manager }) =>
          manager.query('select count(*)::int as n from clients where last_name = $1', [name]),
        );
      const insert = 'insert into clients (tenant_id, first_name, last_name) values ($1, $2, $3)';
      await db.runFor(clinic.id, async (tx) => {
        tx.defer!(insert, [clinic.id, "O'Deferred", 'Deferred']);
        // Not sent yet: the unit's own statements do not see it.
        expect(
          (
            await tx.manager.query('select count(*)::int as n from clients where last_name = $1', [
              'Deferred',
            ])
          )[0].n,
        ).toBe(0);
      });
      expect((await clients('Deferred'))[0].n).toBe(1);

      // Another clinic's row is refused at COMMIT (its policy), and the unit's earlier insert goes with it.
      await expect(
        db.runFor(clinic.id, async (tx) => {
          await tx.manager.query(insert, [clinic.id, 'Kept', 'Rolled back']);
          tx.defer!(insert, [spa, 'Eve', 'Intruder']);
        }),
      ).rejects.toMatchObject({ code: '42501' });
      expect((await clients('Rolled back'))[0].n).toBe(0);
      expect(
        (
          await db.runFor(spa, ({ manager }) =>
            manager.query("select count(*)::int as n from clients where last_name = 'Intruder'"),
          )
        )[0].n,
      ).toBe(0);
    });
  });

  describe("the request's clinic opens its transaction with the first statement", () => {
    const together = `select transaction_timestamp() = statement_timestamp() as together,
                            current_setting('app.tenant_id') as tenant, (select count(*)::int from clients) as clients`;

    it('sends START TRANSACTION and set_tenant with it, and the rest as usual', async () => {
      const [first, second] = await asClinic(centro, () =>
        db.run(async (tx) => [
          (await tx.manager.query(together))[0],
          (await tx.manager.query(together))[0],
        ]),
      );
      // One message: the transaction began as the first statement was received.
      expect(first).toEqual({ together: true, tenant: centro, clients: 16 });
      expect(second).toEqual({ together: false, tenant: centro, clients: 16 });
      const updated = await asClinic(centro, () =>
        db.run((tx) =>
          tx.manager.query('update clients set phone = phone where tenant_id = $1', [centro]),
        ),
      );
      expect(updated).toEqual([[], 16]);
    });

    it('rolls back a failing first statement and opens with the COMMIT when that is the only one', async () => {
      const clinic = await createClinic();
      for (let i = 0; i < 3; i++)
        await expect(
          asClinic(clinic.id, () => db.run((tx) => tx.manager.query('select 1 / 0'))),
        ).rejects.toMatchObject({ code: '22012' });
      await asClinic(clinic.id, () =>
        db.run(async (tx) => {
          tx.defer!('insert into clients (tenant_id, first_name, last_name) values ($1, $2, $3)', [
            clinic.id,
            'Only',
            'Deferred',
          ]);
        }),
      );
      const deferred = await db.runFor(clinic.id, ({ manager }) =>
        manager.query("select count(*)::int as n from clients where last_name = 'Deferred'"),
      );
      expect(deferred).toEqual([{ n: 1 }]);
      expect(await asClinic(clinic.id, () => db.run(async () => 'nothing sent'))).toBe(
        'nothing sent',
      );
    });
  });
});
