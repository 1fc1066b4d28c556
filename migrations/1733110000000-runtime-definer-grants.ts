import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SECURITY DEFINER functions that only triggers and other definer functions call: the
 * runtime role executing them directly could rewrite any tenant's numbers. The foundation's
 * default privileges gave it execute on every new function; that default goes too, so a
 * new definer function is callable by the app only when its migration grants it
 * (test/integration/schema-rules.test.ts keeps the allow-list).
 */
const NOT_FOR_THE_APP = [
  'stats_apply_days(jsonb)',
  'stats_rows_inserted()',
  'stats_rows_deleted()',
  'stats_rows_touched()',
  'stats_appointments_moved()',
  'platform_roll_stats_windows(date)',
  'platform_recompute_stats()',
  'record_object_bytes(bigint)',
];

export class RuntimeDefinerGrants1733110000000 implements MigrationInterface {
  name = 'RuntimeDefinerGrants1733110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'alter default privileges in schema public revoke execute on functions from vetlane_app',
    );
    for (const fn of NOT_FOR_THE_APP)
      await q.query(`revoke all on function ${fn} from vetlane_app, public`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of NOT_FOR_THE_APP)
      await q.query(`grant execute on function ${fn} to vetlane_app`);
    await q.query(
      'alter default privileges in schema public grant execute on functions to vetlane_app',
    );
  }
}
