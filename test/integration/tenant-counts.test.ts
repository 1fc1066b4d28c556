import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AdminQueries } from '../../src/admin/admin.queries.js';
import { book, createClinic, createPet, type TestClinic } from '../harness/factories.js';
import { openRuntimeDb } from '../harness/runtime-db.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

const NUMBERS = `clients::int, pets::int, staff::int, appointments::int,
                 appointments_7d::int as d7, appointments_30d::int as d30, object_bytes::int as files`;

describe("the platform admin's stored counts", () => {
  let ds: DataSource;
  let clinic: TestClinic;

  beforeAll(async () => {
    ({ ds } = await openRuntimeDb(3));
    clinic = await createClinic({ pets: 2 });
    await book(clinic, { startsAt: new Date(Date.now() - 2 * 86_400_000), status: 'completed' });
  });
  afterAll(() => ds.destroy());

  const stored = async () =>
    (
      await ds.query(
        `select ${NUMBERS}, counted_at from platform_tenant_counts() where tenant_id = $1`,
        [clinic.id],
      )
    )[0];
  const live = async () =>
    (
      await ds.query(`select ${NUMBERS} from platform_tenant_stats() where tenant_id = $1`, [
        clinic.id,
      ])
    )[0];
  const lastCount = async (): Promise<Date> =>
    (await ds.query('select max(counted_at) as at from platform_tenant_counts()'))[0].at;

  it('stores what a count of the rows finds, and keeps it until the next count', async () => {
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: true });
    const { counted_at, ...counts } = await stored();
    expect(counts).toEqual(await live());
    expect(counts).toMatchObject({ pets: 2, appointments: 1, d7: 1, d30: 1 });

    await createPet(clinic);
    expect((await live()).pets).toBe(3);
    expect((await stored()).pets).toBe(2);
    // Younger than the minimum age: no recount.
    await AdminQueries.recount(ds, { minAgeSeconds: 3600, wait: true });
    expect(await stored()).toMatchObject({ pets: 2, counted_at });
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: true });
    expect((await stored()).pets).toBe(3);
    expect((await stored()).counted_at.getTime()).toBeGreaterThan(counted_at.getTime());
  });

  it('runs one count at a time: a caller that finds one running returns at once with the last count', async () => {
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: true });
    const before = await lastCount();
    await createPet(clinic);
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      // What a running count holds.
      await qr.query(`select pg_advisory_xact_lock(hashtext('platform_count_tenants'))`);
      const [{ at }] = await ds.query('select platform_count_tenants(0, false) as at');
      expect(at).toEqual(before);
      expect((await stored()).pets).toBe(3);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: false });
    expect((await stored()).pets).toBe(4);
  });

  it("draws the all-clinics chart from the last count, and one clinic's from its rows", async () => {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const chart = async (tenant: string | null) =>
      (
        await ds.query(
          `select to_char(day, 'YYYY-MM-DD') as day, appointments::int as n
             from platform_appointments_per_day($1, $2, $3)`,
          [day(6), day(0), tenant],
        )
      ).map((r: { day: string; n: number }) => `${r.day}:${r.n}`);
    const everyClinic = async () => {
      const { rows } = await adminQuery(
        superuserUrl(),
        `select to_char(g.day, 'YYYY-MM-DD') || ':' || count(a.id) as d
           from generate_series($1::date, $2::date, interval '1 day') g(day)
           left join appointments a on (a.starts_at at time zone 'UTC')::date = g.day::date
          group by g.day order by g.day`,
        [day(6), day(0)],
      );
      return rows.map((r: { d: string }) => r.d);
    };
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: true });
    const before = await chart(null);
    expect(before).toEqual(await everyClinic());
    const mine = await chart(clinic.id);
    await book(clinic, { startsAt: new Date(Date.now() - 86_400_000), status: 'completed' });
    const bump = (days: string[]) =>
      days.map((d, i) => (i === 5 ? d.replace(/:(\d+)$/, (_, n) => `:${Number(n) + 1}`) : d));
    // One clinic: counted from its rows at once. Every clinic: as of the last count.
    expect(await chart(clinic.id)).toEqual(bump(mine));
    expect(await chart(null)).toEqual(before);
    await AdminQueries.recount(ds, { minAgeSeconds: 0, wait: true });
    expect(await chart(null)).toEqual(bump(before));
  });

  it('gives the runtime role the numbers through functions only, never the table', async () => {
    for (const table of ['tenant_counts', 'appointment_day_counts'])
      await expect(ds.query(`select * from ${table}`)).rejects.toMatchObject({ code: '42501' });
    await expect(
      ds.query(
        `insert into tenant_counts (tenant_id, clients, pets, staff, appointments, appointments_month,
           appointments_7d, appointments_30d, db_bytes, counted_at) values ($1, 0, 0, 0, 0, 0, 0, 0, 0, now())`,
        [clinic.id],
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
