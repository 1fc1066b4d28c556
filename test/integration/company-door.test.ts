import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createRuntimeDataSource } from '../../src/database/data-sources.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { createLogger } from '../../src/logger.js';
import {
  book,
  createClinic,
  createCompany,
  createPet,
  type TestClinic,
} from '../harness/factories.js';

describe('the company door and the tenant counters', () => {
  let ds: DataSource;
  let db: TenantDb;
  let north: TestClinic;
  let south: TestClinic;
  let rival: TestClinic;

  beforeAll(async () => {
    ds = await createRuntimeDataSource({
      url: process.env.DATABASE_URL!,
      poolSize: 3,
      log: createLogger('silent'),
    }).initialize();
    db = new TenantDb(ds);
    [north, south] = (await createCompany({ clinics: [{ pets: 1 }, { pets: 1 }] })).clinics;
    rival = await createClinic({ pets: 1 });
  });
  afterAll(() => ds.destroy());

  it("shows each part of a company roll-up its own clinic's rows only, even without a filter", async () => {
    const parts: { tenant_id: string }[][] = await db.runForCompany(
      [north.id, south.id],
      ({ eachTenant }) =>
        eachTenant(({ manager }) => manager.query('select distinct tenant_id from clients')),
    );
    expect(parts).toEqual([[{ tenant_id: north.id }], [{ tenant_id: south.id }]]);
    const none: unknown[][] = await db.runForCompany([north.id], ({ eachTenant }) =>
      eachTenant(({ manager }) =>
        manager.query('select id from clients where tenant_id = $1', [rival.id]),
      ),
    );
    expect(none).toEqual([[]]);
  });

  it('keeps a company roll-up read only', async () => {
    await expect(
      db.runForCompany([north.id], ({ eachTenant }) =>
        eachTenant(({ manager, tenantId }) =>
          manager.query(
            `insert into clients (tenant_id, first_name, last_name) values ($1, 'Eve', 'Writer')`,
            [tenantId],
          ),
        ),
      ),
    ).rejects.toMatchObject({ code: '25006' });
  });

  it('leaves no tenant set after the roll-up commits', async () => {
    await db.runForCompany([north.id, south.id], ({ eachTenant }) =>
      eachTenant(async () => undefined),
    );
    const [{ n }] = await ds.query('select count(*)::int as n from clients');
    expect(n).toBe(0);
  });

  const statsOf = async (tenantId: string) =>
    (
      await ds.query(
        `select clients::int, pets::int, appointments::int, appointments_month::int as month,
                appointments_7d::int as d7, appointments_30d::int as d30
           from platform_tenant_stats() where tenant_id = $1`,
        [tenantId],
      )
    )[0];
  const perDay = async (tenantId: string, from: string, to: string) =>
    (
      await ds.query(
        'select to_char(day, $4) as day, appointments::int as n from platform_appointments_per_day($1, $2, $3)',
        [from, to, tenantId, 'YYYY-MM-DD'],
      )
    ).map((r: { day: string; n: number }) => `${r.day}:${r.n}`);

  it('counts clients, pets and appointments as they are added, moved and deleted, however they were written', async () => {
    const before = await statsOf(south.id);
    await createPet(south);
    const id = await book(south, { startsAt: new Date(Date.UTC(2031, 0, 6, 10)) });
    expect(await statsOf(south.id)).toMatchObject({
      clients: before.clients + 1,
      pets: before.pets + 1,
      appointments: before.appointments + 1,
    });
    expect(await perDay(south.id, '2031-01-06', '2031-01-07')).toEqual([
      '2031-01-06:1',
      '2031-01-07:0',
    ]);
    await db.runFor(south.id, ({ manager, tenantId }) =>
      manager.query(
        'update appointments set starts_at = $3, ends_at = $4 where tenant_id = $1 and id = $2',
        [tenantId, id, new Date(Date.UTC(2031, 0, 7, 10)), new Date(Date.UTC(2031, 0, 7, 10, 20))],
      ),
    );
    expect(await perDay(south.id, '2031-01-06', '2031-01-07')).toEqual([
      '2031-01-06:0',
      '2031-01-07:1',
    ]);
    await db.runFor(south.id, async ({ manager, tenantId }) => {
      await manager.query(
        'delete from staff_bookings where tenant_id = $1 and appointment_id = $2',
        [tenantId, id],
      );
      await manager.query('delete from appointments where tenant_id = $1 and id = $2', [
        tenantId,
        id,
      ]);
    });
    expect((await statsOf(south.id)).appointments).toBe(before.appointments);
  });

  it("gives the runtime role numbers through functions, and of tenant_stats only its clinic's own row", async () => {
    expect(await ds.query('select * from tenant_stats')).toEqual([]);
    const own: { tenant_id: string }[] = await db.runFor(
      north.id,
      async ({ manager, tenantId }) => {
        await manager.query(
          `insert into tenant_stats as s (tenant_id, object_bytes) values ($1, 10)
         on conflict (tenant_id) do update set object_bytes = s.object_bytes + excluded.object_bytes`,
          [tenantId],
        );
        return manager.query('select tenant_id from tenant_stats');
      },
    );
    expect(own).toEqual([{ tenant_id: north.id }]);
    await expect(
      db.runFor(north.id, ({ manager }) =>
        manager.query('insert into tenant_stats (tenant_id, object_bytes) values ($1, 10)', [
          rival.id,
        ]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      db.runFor(north.id, ({ manager, tenantId }) =>
        manager.query('delete from tenant_stats where tenant_id = $1', [tenantId]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const rows: { tenant_id: string; clients: string }[] = await ds.query(
      'select tenant_id, clients from platform_tenant_stats() where tenant_id = $1',
      [north.id],
    );
    expect(rows).toEqual([{ tenant_id: north.id, clients: '1' }]);
  });

  it('counts the last 7 and 30 UTC days and this month up to today', async () => {
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const before = await statsOf(north.id);
    await book(north, { startsAt: daysAgo(2), status: 'completed' });
    await book(north, { startsAt: daysAgo(12), status: 'completed' });
    await book(north, { startsAt: daysAgo(45), status: 'completed' });
    await book(north, { startsAt: daysAgo(-400) });
    const after = await statsOf(north.id);
    expect({
      appointments: after.appointments - before.appointments,
      d7: after.d7 - before.d7,
      d30: after.d30 - before.d30,
    }).toEqual({ appointments: 4, d7: 1, d30: 2 });
    const thisMonth = (d: Date) =>
      d.toISOString().slice(0, 7) === new Date().toISOString().slice(0, 7);
    expect(after.month - before.month).toBe(
      [2, 12, 45].filter((n) => thisMonth(daysAgo(n))).length,
    );
  });
});
