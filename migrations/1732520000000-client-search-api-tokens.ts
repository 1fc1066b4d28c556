import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding a client or pet in one box, tolerant of accents and partial input: a stored,
 * normalised `search_text` per row (lower-cased, unaccented name and email, phone digits
 * without spaces, microchip) and trigram GIN indexes that lead with tenant_id (btree_gin
 * lets a GIN index carry the uuid). Plus `api_tokens`, a directory table: a Bearer token
 * must be found before the tenant is known, so it cannot live behind the tenant policy.
 */
export class ClientSearchApiTokens1732520000000 implements MigrationInterface {
  name = 'ClientSearchApiTokens1732520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create extension if not exists btree_gin;

      -- unaccent() is only STABLE (its dictionary could change); naming the dictionary
      -- makes the result fixed, so this wrapper may be IMMUTABLE and used in generated columns.
      create function search_normalize(t text) returns text
        language sql immutable strict parallel safe
        as $$ select lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;

      alter table clients add column search_text text not null generated always as (
        search_normalize(first_name || ' ' || last_name || ' ' || coalesce(email::text, ''))
        || ' ' || regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')
        || ' ' || regexp_replace(coalesce(phone_alt, ''), '[^0-9]', '', 'g')
      ) stored;
      create index clients_search_idx on clients using gin (tenant_id, search_text gin_trgm_ops);

      alter table pets add column search_text text not null generated always as (
        search_normalize(name) || ' ' || lower(coalesce(microchip, ''))
      ) stored;
      create index pets_search_idx on pets using gin (tenant_id, search_text gin_trgm_ops);

      create table api_tokens (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references tenants (id) on delete cascade,
        name text not null check (length(name) between 1 and 100),
        token_hash text not null unique,
        token_hint text not null,
        created_by uuid not null references users (id) on delete restrict,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      create index api_tokens_tenant_idx on api_tokens (tenant_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table api_tokens;
      drop index pets_search_idx;
      alter table pets drop column search_text;
      drop index clients_search_idx;
      alter table clients drop column search_text;
      drop function search_normalize(text);
      drop extension if exists btree_gin;
    `);
  }
}
