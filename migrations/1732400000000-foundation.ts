import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './rls.js';

const TENANT_TABLES = ['staff', 'clients', 'pets'];

/** Directory tables (global), then the first tenant tables, with RLS forced on the latter. */
export class Foundation1732400000000 implements MigrationInterface {
  name = 'Foundation1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create extension if not exists citext;
      create extension if not exists btree_gist;
      create extension if not exists pg_trgm;
      create extension if not exists unaccent;

      -- The one door for the tenant setting: transaction-local (safe behind pgBouncer in
      -- transaction pooling) and propagated to Citus workers (STACK-NOTES.md).
      create function set_tenant(t uuid) returns void language plpgsql volatile as $$
      begin
        perform set_config('citus.propagate_set_commands', 'local', true);
        execute format('SET LOCAL app.tenant_id = %L', t);
      end $$;

      alter default privileges in schema public grant select, insert, update, delete on tables to vetlane_app;
      alter default privileges in schema public grant usage, select on sequences to vetlane_app;
      alter default privileges in schema public grant execute on functions to vetlane_app;
      grant execute on function set_tenant(uuid) to vetlane_app;

      create table companies (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text not null check (length(name) between 1 and 200),
        created_at timestamptz not null default now()
      );

      create table tenants (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text not null check (length(name) between 1 and 200),
        company_id uuid references companies (id) on delete restrict,
        time_zone text not null,
        locale text not null default 'en' check (locale in ('en', 'es')),
        status text not null default 'active' check (status in ('active', 'suspended')),
        created_at timestamptz not null default now()
      );
      create index tenants_company_idx on tenants (company_id);

      create table users (
        id uuid primary key default gen_random_uuid(),
        email citext not null unique check (email ~ '^[^@\\s]+@[^@\\s]+$'),
        name text not null check (length(name) between 1 and 200),
        password_hash text not null,
        locale text check (locale in ('en', 'es')),
        is_platform_admin boolean not null default false,
        created_at timestamptz not null default now(),
        last_login_at timestamptz
      );

      -- Who may enter which clinic, and as what. A directory table like users: read before
      -- any tenant is chosen (the clinic switcher), and it holds no clinical content.
      create table memberships (
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        role text not null check (role in ('manager', 'vet', 'nurse', 'front_desk')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, user_id)
      );
      create index memberships_user_idx on memberships (user_id);

      create table company_admins (
        company_id uuid not null references companies (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        created_at timestamptz not null default now(),
        primary key (company_id, user_id)
      );
      create index company_admins_user_idx on company_admins (user_id);

      create table staff (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        user_id uuid references users (id) on delete restrict,
        name text not null check (length(name) between 1 and 200),
        kind text not null check (kind in ('vet', 'nurse', 'front_desk', 'groomer', 'manager')),
        email citext,
        phone text,
        takes_appointments boolean not null default false,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, user_id)
      );
      create index staff_tenant_name_idx on staff (tenant_id, name);

      create table clients (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        first_name text not null check (length(first_name) between 1 and 100),
        last_name text not null check (length(last_name) between 1 and 100),
        email citext,
        phone text,
        phone_alt text,
        address text,
        notes text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
      );
      create index clients_tenant_name_idx on clients (tenant_id, last_name, first_name);

      create table pets (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        client_id uuid not null,
        name text not null check (length(name) between 1 and 100),
        species text not null check (species in ('dog', 'cat', 'rabbit', 'bird', 'ferret', 'guinea_pig', 'hamster', 'reptile', 'horse', 'other')),
        breed text,
        sex text not null default 'unknown' check (sex in ('male', 'female', 'unknown')),
        neutered boolean not null default false,
        date_of_birth date,
        microchip text,
        colour text,
        weight_kg numeric(6, 2) check (weight_kg > 0),
        alerts text,
        deceased_on date,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, client_id) references clients (tenant_id, id) on delete cascade
      );
      create index pets_tenant_client_idx on pets (tenant_id, client_id);
      create unique index pets_tenant_microchip_key on pets (tenant_id, microchip) where microchip is not null;
      ${TENANT_TABLES.map(enableTenantRls).join('\n')}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table pets;
      drop table clients;
      drop table staff;
      drop table company_admins;
      drop table memberships;
      drop table users;
      drop table tenants;
      drop table companies;
      revoke execute on function set_tenant(uuid) from vetlane_app;
      drop function set_tenant(uuid);
      alter default privileges in schema public revoke select, insert, update, delete on tables from vetlane_app;
      alter default privileges in schema public revoke usage, select on sequences from vetlane_app;
      alter default privileges in schema public revoke execute on functions from vetlane_app;
      drop extension if exists unaccent;
      drop extension if exists pg_trgm;
      drop extension if exists btree_gist;
      drop extension if exists citext;
    `);
  }
}
