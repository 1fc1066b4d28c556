import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit retention: drops whole monthly partitions that ended more than `keep_months`
 * months before this month's start (dropping a partition is instant and leaves no bloat,
 * unlike deleting rows). Called daily by AuditPartitions with AUDIT_RETENTION_MONTHS.
 */
export class AuditRetention1732542000000 implements MigrationInterface {
  name = 'AuditRetention1732542000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function drop_expired_audit_partitions(keep_months int) returns int
      language plpgsql security definer set search_path = public as $$
      declare
        cutoff date := (date_trunc('month', now()) - make_interval(months => keep_months))::date;
        part record;
        dropped int := 0;
      begin
        if keep_months < 1 then raise exception 'keep_months must be at least 1'; end if;
        for part in
          select c.relname from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'audit_events'::regclass and c.relname ~ '^audit_events_[0-9]{4}_[0-9]{2}$'
        loop
          -- audit_events_YYYY_MM holds [YYYY-MM-01, next month): expired when it ends by the cutoff.
          if (to_date(substr(part.relname, 14), 'YYYY_MM') + interval '1 month')::date <= cutoff then
            execute format('drop table %I', part.relname);
            dropped := dropped + 1;
          end if;
        end loop;
        return dropped;
      end $$;
      revoke all on function drop_expired_audit_partitions(int) from public;
      grant execute on function drop_expired_audit_partitions(int) to vetlane_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop function drop_expired_audit_partitions(int)');
  }
}
