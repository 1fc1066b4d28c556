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
import { adminQuery, superuserUrl } from '../harness/services.js';

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

  it('counts clients, pets and appointments as they are added, moved and deleted, without reading the tables', async () => {
    const counts = async () =>
      (
        await adminQuery(
          superuserUrl(),
          `select clients::int, pets::int, appointments::int from tenant_stats where tenant_id = $1`,
          [south.id],
        )
      ).rows[0];
    const before = await counts();
    await createPet(south);
    const day = new Date(Date.UTC(2031, 0, 6, 10));
    const id = await book(south, { startsAt: day });
    expect(await counts()).toEqual({
      clients: before.clients + 1,
      pets: before.pets + 1,
      appointments: before.appointments + 1,
    });
    const perDay = (d: string) =>
      adminQuery(
        superuserUrl(),
        'select appointments from tenant_appointment_days where tenant_id = $1 and day = $2',
        [south.id, d],
      ).then((r) => r.rows[0]?.appointments ?? 0);
    expect(await perDay('2031-01-06')).toBe(1);
    await db.runFor(south.id, ({ manager, tenantId }) =>
      manager.query(
        `update appointments set starts_at = starts_at + interval '1 day', ends_at = ends_at + interval '1 day'
          where tenant_id = $1 and id = $2`,
        [tenantId, id],
      ),
    );
    expect([await perDay('2031-01-06'), await perDay('2031-01-07')]).toEqual([0, 1]);
    await db.runFor(south.id, ({ manager, tenantId }) =>
      manager.query('delete from appointments where tenant_id = $1 and id = $2', [tenantId, id]),
    );
    expect((await counts()).appointments).toBe(before.appointments);
    expect(await perDay('2031-01-07')).toBe(0);
  });

  it('gives the runtime role numbers through functions but no access to the counter tables', async () => {
    await expect(ds.query('select * from tenant_stats')).rejects.toMatchObject({ code: '42501' });
    const rows: { tenant_id: string; clients: string }[] = await ds.query(
      'select tenant_id, clients from platform_tenant_stats() where tenant_id = $1',
      [north.id],
    );
    expect(rows).toEqual([{ tenant_id: north.id, clients: '1' }]);
  });

  it('moves the month and 7-day windows when the day changes, recounting from the day counts', async () => {
    await book(north, { startsAt: new Date(Date.now() - 2 * 86_400_000), status: 'completed' });
    const windows = async () =>
      (
        await ds.query(
          'select appointments_7d::int as d7, appointments_30d::int as d30 from platform_tenant_stats() where tenant_id = $1',
          [north.id],
        )
      )[0];
    const live = await windows();
    expect(live).toEqual({ d7: 1, d30: 1 });
    // Pretend the windows were last moved long ago: reading them moves them and recounts.
    await adminQuery(superuserUrl(), `update stats_window set as_of = '2000-01-01'`);
    await adminQuery(
      superuserUrl(),
      `update tenant_stats set appointments_7d = 0, appointments_30d = 0 where tenant_id = $1`,
      [north.id],
    );
    expect(await windows()).toEqual(live);
  });
});
