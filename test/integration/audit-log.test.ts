import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import { TenantDb } from '../../src/database/tenant-db.js';
import { RequestContexts } from '../../src/tenant/request-context.js';
import { createClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { openRuntimeDb } from '../harness/runtime-db.js';

describe('the audit log', () => {
  let ds: DataSource;
  let db: TenantDb;
  const audit = new AuditService();
  beforeAll(async () => {
    ({ ds, db } = await openRuntimeDb());
  });
  afterAll(() => ds.destroy());

  it('is partitioned by month with partitions created ahead', async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit_events'::regclass order by 1`,
    );
    const now = new Date();
    const expected = [0, 1, 2, 3].map((i) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      return `audit_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    });
    expect(rows.map((r) => r.relname)).toEqual(expect.arrayContaining(expected));
    const [{ created }] = await ds.query('select ensure_audit_partitions(3) as created');
    expect(created).toBe(0);
  });

  it('drops monthly partitions older than the retention and keeps the recent ones', async () => {
    // Made by the tables' owner, as ensure_audit_partitions() makes them (on Citus only a
    // table's owner may drop it, not the schema's).
    await adminQuery(
      process.env.DATABASE_DIRECT_URL!,
      `create table if not exists audit_events_2001_01 partition of audit_events for values from ('2001-01-01') to ('2001-02-01')`,
    );
    const partitions = async () =>
      (
        await adminQuery(
          superuserUrl(),
          `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'audit_events'::regclass order by 1`,
        )
      ).rows.map((r) => r.relname as string);
    expect(await partitions()).toContain('audit_events_2001_01');
    // What the app's daily maintenance (AuditPartitions) runs, as the app's role.
    const [{ dropped }] = await ds.query('select drop_expired_audit_partitions(24) as dropped');
    expect(dropped).toBeGreaterThanOrEqual(1);
    const left = await partitions();
    expect(left).not.toContain('audit_events_2001_01');
    const now = new Date();
    expect(left).toContain(
      `audit_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`,
    );
  });

  it('records who changed what, visible only to that tenant, and never through a partition directly', async () => {
    const [{ id: ours }, { id: theirs }] = await Promise.all([createClinic(), createClinic()]);
    const entityId = crypto.randomUUID();
    await RequestContexts.run(
      {
        requestId: 'req-audit-1',
        user: {
          id: crypto.randomUUID(),
          email: 'vet@x',
          name: 'Dra. Ana',
          locale: null,
          isPlatformAdmin: false,
        },
      },
      () =>
        db.runFor(ours, (tx) =>
          audit.record(tx, {
            action: 'pet.updated',
            entity: 'pet',
            entityId,
            before: { weightKg: 4 },
            after: { weightKg: 4.4 },
          }),
        ),
    );
    const mine = await db.runFor(ours, (tx) => audit.history(tx, 'pet', entityId));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      actorName: 'Dra. Ana',
      action: 'pet.updated',
      before: { weightKg: 4 },
      after: { weightKg: 4.4 },
    });
    expect(await db.runFor(theirs, (tx) => audit.history(tx, 'pet', entityId))).toEqual([]);
    const partition = `audit_events_${new Date().toISOString().slice(0, 7).replace('-', '_')}`;
    await expect(
      db.runFor(ours, ({ manager }) => manager.query(`select * from ${partition}`)),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
