import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The attachment service adds a clinic's stored bytes to its tenant_stats row itself, as the
 * runtime role under the row's tenant policy, instead of through record_object_bytes()
 * (SECURITY DEFINER). On Citus a definer function runs as its owner, and a different user may
 * not touch shard placements the runtime role wrote earlier in the same transaction (the
 * attachment row), so every upload and delete failed there. The power is the same: the
 * function wrote only the row of the tenant the caller had set, by any delta.
 */
export class ObjectBytesByRuntime1734300000000 implements MigrationInterface {
  name = 'ObjectBytesByRuntime1734300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function record_object_bytes(bigint);
      grant select, insert, update on tenant_stats to vetlane_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      revoke select, insert, update on tenant_stats from vetlane_app;
      create function record_object_bytes(delta bigint) returns void language plpgsql
      security definer set search_path = public as $$
      declare t uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
      begin
        if t is null then raise exception 'record_object_bytes needs a tenant' using errcode = '42501'; end if;
        insert into tenant_stats as s (tenant_id, object_bytes, last_activity_at) values (t, delta, now())
        on conflict (tenant_id) do update
          set object_bytes = s.object_bytes + excluded.object_bytes, last_activity_at = excluded.last_activity_at;
      end $$;
      alter function record_object_bytes(bigint) owner to vetlane_stats;
      revoke all on function record_object_bytes(bigint) from public;
      grant execute on function record_object_bytes(bigint) to vetlane_app;
    `);
  }
}
