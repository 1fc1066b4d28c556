import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

/** Kept staff_bookings until 1733600000000 (the booking code writes it since). */
export const STAFF_BOOKING_TRIGGER = `
      create function sync_staff_booking() returns trigger language plpgsql as $$
      declare
        member uuid;
      begin
        if tg_op = 'DELETE' then
          return old;
        end if;
        select user_id into member from staff where tenant_id = new.tenant_id and id = new.staff_id;
        if member is null or new.status in ('cancelled', 'no_show') then
          delete from staff_bookings where tenant_id = new.tenant_id and appointment_id = new.id;
        else
          insert into staff_bookings (tenant_id, appointment_id, user_id, during)
          values (new.tenant_id, new.id, member, tstzrange(new.starts_at, new.ends_at))
          on conflict (tenant_id, appointment_id) do update set user_id = excluded.user_id, during = excluded.during;
        end if;
        return new;
      end $$;
      create trigger appointments_staff_booking after insert or update of staff_id, starts_at, ends_at, status
        on appointments for each row execute function sync_staff_booking();`;

/**
 * A vet who works at two clinics cannot be booked at the same time at both. Each active
 * appointment of a staff member who is a user holds a row here (kept by a trigger in the
 * appointment's own transaction), and an exclusion constraint over (user, time) spans all
 * clinics. RLS still shows each clinic only its own rows: a constraint sees every row, a
 * query does not, so no clinic learns anything of the other's appointment but "taken".
 */
export class VetAcrossClinics1732560000000 implements MigrationInterface {
  name = 'VetAcrossClinics1732560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table staff_bookings (
        tenant_id uuid not null references tenants (id) on delete cascade,
        appointment_id uuid not null,
        user_id uuid not null references users (id) on delete cascade,
        during tstzrange not null,
        primary key (tenant_id, appointment_id),
        foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete cascade,
        constraint staff_bookings_no_overlap exclude using gist (user_id with =, during with &&)
      );
      ${enableTenantRls('staff_bookings')}

      ${STAFF_BOOKING_TRIGGER}

      insert into staff_bookings (tenant_id, appointment_id, user_id, during)
      select a.tenant_id, a.id, s.user_id, tstzrange(a.starts_at, a.ends_at)
        from appointments a join staff s on s.tenant_id = a.tenant_id and s.id = a.staff_id
       where s.user_id is not null and a.status not in ('cancelled', 'no_show');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop trigger appointments_staff_booking on appointments;
      drop function sync_staff_booking();
      drop table staff_bookings;
    `);
  }
}
