import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { revertAllMigrations, runMigrations } from '../../src/database/data-sources.js';
import { bootstrapDatabase, OWNER_ROLE } from '../../src/database/roles.js';
import { createLogger } from '../../src/logger.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { adminQuery, dropDatabase } from '../harness/services.js';

describe('migrations', () => {
  const adminUrl = process.env.PG_ADMIN_URL!;
  const database = `vetlane_migrate_${randomBytes(4).toString('hex')}`;
  const log = createLogger('silent');
  const admin = new URL(adminUrl);
  const direct = `postgres://${OWNER_ROLE}@${admin.host}/${database}`;
  const dbAdmin = () => {
    const u = new URL(adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const tables = async () =>
    (
      await adminQuery(
        dbAdmin(),
        `select tablename from pg_tables where schemaname = 'public' and tablename <> 'migrations' order by 1`,
      )
    ).rows.map((r) => r.tablename);

  afterAll(() => dropDatabase(adminUrl, database));

  it('go up, all the way down, and up again on an empty database', async () => {
    await bootstrapDatabase({ adminUrl, database });
    expect(await runMigrations({ url: direct, log })).toHaveLength(MIGRATIONS.length);
    const first = await tables();
    expect(first).toEqual(expect.arrayContaining(['clients', 'pets', 'staff', 'tenants', 'users']));

    await revertAllMigrations({ url: direct, log });
    expect(await tables()).toEqual([]);
    const fns = await adminQuery(
      dbAdmin(),
      `select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and proname = 'set_tenant'`,
    );
    expect(fns.rows).toEqual([]);

    expect(await runMigrations({ url: direct, log })).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(first);
    expect(await runMigrations({ url: direct, log })).toEqual([]);
  });
});
