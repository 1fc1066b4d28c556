import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

const TABLES = ['medical_records', 'medical_record_addenda', 'vaccinations', 'attachments'];

/**
 * Medical records (SOAP notes and vitals, optionally tied to an appointment), their
 * addenda once finalised, vaccinations, and attachments whose bytes live in S3. Records
 * are never deleted with their pet by accident: the foreign keys restrict.
 */
export class MedicalRecords1732530000000 implements MigrationInterface {
  name = 'MedicalRecords1732530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table medical_records (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        pet_id uuid not null,
        appointment_id uuid,
        author_user_id uuid not null references users (id) on delete restrict,
        author_name text not null,
        recorded_at timestamptz not null default now(),
        summary text not null check (length(summary) between 1 and 200),
        subjective text not null default '',
        objective text not null default '',
        assessment text not null default '',
        plan text not null default '',
        weight_value numeric(7, 2) check (weight_value > 0),
        weight_unit text check (weight_unit in ('kg', 'lb')),
        weight_kg numeric(8, 3) check (weight_kg > 0),
        temperature_c numeric(4, 1) check (temperature_c between 20 and 50),
        heart_rate int check (heart_rate between 1 and 600),
        respiratory_rate int check (respiratory_rate between 1 and 300),
        status text not null default 'draft' check (status in ('draft', 'final')),
        finalised_at timestamptz,
        finalised_by_user_id uuid references users (id) on delete restrict,
        finalised_by_name text,
        version int not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check ((weight_value is null) = (weight_unit is null) and (weight_value is null) = (weight_kg is null)),
        check ((status = 'final') = (finalised_at is not null)),
        foreign key (tenant_id, pet_id) references pets (tenant_id, id) on delete restrict,
        foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete restrict
      );
      create index medical_records_pet_idx on medical_records (tenant_id, pet_id, recorded_at desc);
      create index medical_records_appointment_idx on medical_records (tenant_id, appointment_id)
        where appointment_id is not null;

      -- Corrections to a finalised record: append-only, the record itself stays as signed.
      create table medical_record_addenda (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        record_id uuid not null,
        author_user_id uuid not null references users (id) on delete restrict,
        author_name text not null,
        body text not null check (length(body) between 1 and 20000),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, record_id) references medical_records (tenant_id, id) on delete restrict
      );
      create index medical_record_addenda_record_idx on medical_record_addenda (tenant_id, record_id, created_at);

      create table vaccinations (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        pet_id uuid not null,
        record_id uuid,
        given_on date not null,
        product text not null check (length(product) between 1 and 200),
        batch text not null check (length(batch) between 1 and 100),
        next_due_on date check (next_due_on > given_on),
        given_by_user_id uuid not null references users (id) on delete restrict,
        given_by_name text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, pet_id) references pets (tenant_id, id) on delete restrict,
        foreign key (tenant_id, record_id) references medical_records (tenant_id, id) on delete restrict
      );
      create index vaccinations_pet_idx on vaccinations (tenant_id, pet_id, given_on desc);
      create index vaccinations_due_idx on vaccinations (tenant_id, next_due_on) where next_due_on is not null;

      -- Object keys are made by the app (tenant id / attachments / uuid); the client's file
      -- name is kept for display only.
      create table attachments (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        record_id uuid not null,
        kind text not null check (kind in ('image', 'pdf')),
        content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
        object_key text not null,
        thumbnail_key text,
        size_bytes bigint not null check (size_bytes > 0),
        width int,
        height int,
        display_name text not null check (length(display_name) between 1 and 200),
        uploaded_by_user_id uuid not null references users (id) on delete restrict,
        uploaded_by_name text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, object_key),
        check ((kind = 'image') = (thumbnail_key is not null)),
        foreign key (tenant_id, record_id) references medical_records (tenant_id, id) on delete restrict
      );
      create index attachments_record_idx on attachments (tenant_id, record_id, created_at);
      ${TABLES.map(enableTenantRls).join('\n')}
      -- History is kept: the app may neither delete records nor change addenda.
      revoke delete on medical_records from vetlane_app;
      revoke update, delete on medical_record_addenda from vetlane_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table attachments;
      drop table vaccinations;
      drop table medical_record_addenda;
      drop table medical_records;
    `);
  }
}
