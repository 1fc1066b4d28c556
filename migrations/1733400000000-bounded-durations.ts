import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Range queries bounded on both sides. An appointment lasts at most 24 hours and a
 * closure at most 366 days, so "what overlaps [start, end)" becomes
 * `starts_at >= start - max_duration and starts_at < end and ends_at > start`: both ends of
 * the `(tenant_id, starts_at)` index range are known and a clinic's history is never
 * scanned (a GiST range index would be the alternative, but under RLS only LEAKPROOF
 * operators reach an index scan, and `&&` is not one). The bounds live in
 * src/appointment/appointment.queries.ts and src/clinic/clinic.queries.ts.
 */
export class BoundedDurations1733400000000 implements MigrationInterface {
  name = 'BoundedDurations1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table appointments add constraint appointments_max_duration
        check (ends_at - starts_at <= interval '24 hours');
      alter table closures add constraint closures_max_duration
        check (ends_at - starts_at <= interval '366 days');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table closures drop constraint closures_max_duration;
      alter table appointments drop constraint appointments_max_duration;
    `);
  }
}
