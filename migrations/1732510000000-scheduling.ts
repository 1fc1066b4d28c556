import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

const TABLES = ['rooms', 'appointment_types', 'opening_hours', 'closures', 'appointments'];
const ACTIVE = `status not in ('cancelled', 'no_show')`;

/**
 * Clinic settings (hours, closures, rooms, appointment types) and appointments. A vet or
 * a room cannot be double-booked: exclusion constraints decide, not a read-then-write
 * check. `appointments` stays unpartitioned: PostgreSQL cannot enforce an exclusion
 * constraint across partitions.
 */
export class Scheduling1732510000000 implements MigrationInterface {
  name = 'Scheduling1732510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table tenants add column address text, add column phone text;

      create table rooms (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        name text not null check (length(name) between 1 and 80),
        active boolean not null default true,
        primary key (tenant_id, id),
        unique (tenant_id, name)
      );

      create table appointment_types (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        name text not null check (length(name) between 1 and 80),
        duration_minutes int not null check (duration_minutes between 5 and 480),
        colour text not null default '#0b6e69' check (colour ~ '^#[0-9a-f]{6}$'),
        active boolean not null default true,
        primary key (tenant_id, id),
        unique (tenant_id, name)
      );

      -- Local wall-clock hours per ISO weekday (1 = Monday); several rows make split shifts.
      create table opening_hours (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        weekday smallint not null check (weekday between 1 and 7),
        opens time not null,
        closes time not null check (closes > opens),
        primary key (tenant_id, id)
      );
      create index opening_hours_weekday_idx on opening_hours (tenant_id, weekday);

      -- Whole-clinic closures (holidays) or a blocked period for one staff member or room.
      create table closures (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        starts_at timestamptz not null,
        ends_at timestamptz not null check (ends_at > starts_at),
        staff_id uuid,
        room_id uuid,
        reason text not null check (length(reason) between 1 and 200),
        primary key (tenant_id, id),
        foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade,
        foreign key (tenant_id, room_id) references rooms (tenant_id, id) on delete cascade
      );
      create index closures_time_idx on closures (tenant_id, starts_at);

      create table appointments (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        client_id uuid not null,
        pet_id uuid not null,
        staff_id uuid not null,
        room_id uuid,
        type_id uuid not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null check (ends_at > starts_at),
        status text not null default 'booked'
          check (status in ('booked', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show')),
        reason text,
        cancel_reason text,
        checked_in_weight_kg numeric(6, 2) check (checked_in_weight_kg > 0),
        series_id uuid,
        hours_override_reason text,
        version int not null default 1,
        created_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, client_id) references clients (tenant_id, id) on delete cascade,
        foreign key (tenant_id, pet_id) references pets (tenant_id, id) on delete cascade,
        foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete restrict,
        foreign key (tenant_id, room_id) references rooms (tenant_id, id) on delete restrict,
        foreign key (tenant_id, type_id) references appointment_types (tenant_id, id) on delete restrict,
        constraint appointments_no_staff_overlap exclude using gist
          (tenant_id with =, staff_id with =, tstzrange(starts_at, ends_at) with &&) where (${ACTIVE}),
        constraint appointments_no_room_overlap exclude using gist
          (tenant_id with =, room_id with =, tstzrange(starts_at, ends_at) with &&) where (room_id is not null and ${ACTIVE})
      );
      create index appointments_time_idx on appointments (tenant_id, starts_at);
      create index appointments_staff_time_idx on appointments (tenant_id, staff_id, starts_at);
      create index appointments_pet_time_idx on appointments (tenant_id, pet_id, starts_at);
      create index appointments_client_idx on appointments (tenant_id, client_id);
      create index appointments_series_idx on appointments (tenant_id, series_id) where series_id is not null;
      ${TABLES.map(enableTenantRls).join('\n')}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table appointments;
      drop table closures;
      drop table opening_hours;
      drop table appointment_types;
      drop table rooms;
      alter table tenants drop column address, drop column phone;
    `);
  }
}
