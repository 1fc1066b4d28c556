import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a booking reads before it writes, as one PL/pgSQL function: `booking_context(tenant,
 * pet, type, vet, room, start, end)` returns, as one JSON object, the living pet with its
 * owner (and whether the owner owes money), the type, the bookable vet and their login, the
 * active room, the clinic's reminder lead, its opening hours, and the closures overlapping
 * [start, end). A part is null when its id points at nothing bookable.
 *
 * Why a function: as a statement it was planned afresh for every booking (pgBouncer 1.18 keeps
 * no prepared statements in transaction mode), and planning its sub-selects, each under row
 * security, cost 1.1 ms of PostgreSQL's CPU against 0.3 ms of executing them: the largest
 * single cost of a booking. PL/pgSQL keeps the plan of its query per server connection, and
 * pgBouncer's server connections live long, so a booking now reuses it.
 *
 * SECURITY INVOKER (the default): the runtime role reads under its own tenant policies, as
 * before. The query is the body's only statement, between `return (` and `);`, written with
 * the positional parameters `$1`…`$7`, so test/integration/hot-query-plans.test.ts EXPLAINs
 * that very text. Its parts follow the app's own SQL of the same things (client_balances as
 * billing's `owesMoneySql`; hours and closures as clinic.queries.ts, closures bounded below
 * by their 366-day CHECK): a change to one of them is a new migration replacing this body.
 */
export class BookingContextFunction1734500000000 implements MigrationInterface {
  name = 'BookingContextFunction1734500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function booking_context(uuid, uuid, uuid, uuid, uuid, timestamptz, timestamptz)
      returns json language plpgsql stable as $fn$
      begin
        return (
select row_to_json(x) from (
  select (select json_build_object('clientId', p.client_id, 'name', p.name, 'species', p.species,
                   'alerts', p.alerts, 'clientName', c.first_name || ' ' || c.last_name,
                   'clientOwes', exists (select 1 from client_balances b
                                          where b.tenant_id = $1 and b.client_id = p.client_id
                                            and b.balance_minor > 0))
            from pets p join clients c on c.tenant_id = $1 and c.id = p.client_id
           where p.tenant_id = $1 and p.id = $2 and p.deceased_on is null) as pet,
         (select json_build_object('durationMinutes', duration_minutes, 'active', active,
                   'name', name, 'colour', colour)
            from appointment_types where tenant_id = $1 and id = $3) as type,
         (select json_build_object('userId', user_id, 'name', name) from staff
           where tenant_id = $1 and id = $4 and active and takes_appointments) as staff,
         (select json_build_object('name', name) from rooms
           where tenant_id = $1 and id = $5 and active) as room,
         (select reminder_hours_before from tenants where id = $1) as "reminderHoursBefore",
         (select coalesce(json_agg(h order by h.weekday, h.opens), '[]')
            from (select id, weekday, to_char(opens, 'HH24:MI') as opens,
                         case when closes = '24:00' then '24:00' else to_char(closes, 'HH24:MI') end as closes
                    from opening_hours where tenant_id = $1) h) as hours,
         (select coalesce(json_agg(c order by c."startsAt"), '[]')
            from (select id, starts_at as "startsAt", ends_at as "endsAt", staff_id as "staffId",
                         room_id as "roomId", reason
                    from closures
                   where tenant_id = $1 and starts_at >= $6::timestamptz - interval '366 days'
                     and starts_at < $7 and ends_at > $6) c) as closures
) x
        );
      end $fn$;
      revoke all on function booking_context(uuid, uuid, uuid, uuid, uuid, timestamptz, timestamptz) from public;
      grant execute on function booking_context(uuid, uuid, uuid, uuid, uuid, timestamptz, timestamptz) to vetlane_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `drop function booking_context(uuid, uuid, uuid, uuid, uuid, timestamptz, timestamptz)`,
    );
  }
}
