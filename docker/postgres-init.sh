#!/usr/bin/env bash
# Runs once, when the postgres volume is empty (/docker-entrypoint-initdb.d); the same as
# bootstrapDatabase() in src/database/roles.ts. Neither login role of the app is superuser or BYPASSRLS:
# superusers bypass row level security even on FORCEd tables.
# May be sourced by the entrypoint rather than executed, so: no `exit`, no `set -u`.
set -e
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="${VETLANE_OWNER_PASSWORD:?}" \
  -v app_password="${VETLANE_APP_PASSWORD:?}" <<'SQL'
create role vetlane_owner login nosuperuser nobypassrls nocreaterole password :'owner_password';
create role vetlane_app login nosuperuser nobypassrls nocreaterole password :'app_password';
-- Owns the SECURITY DEFINER functions that read numbers across tenants. LOGIN because Citus
-- connects to the workers as a function's owner; no password, so nobody can sign in as it.
create role vetlane_stats login nosuperuser bypassrls nocreaterole;
grant vetlane_stats to vetlane_owner;
grant pg_read_all_stats to vetlane_stats;
-- Bulk loads only (RLS blocks COPY); no password, so it cannot log in until you set one.
create role vetlane_maintenance login nosuperuser bypassrls nocreaterole;
grant vetlane_owner to vetlane_maintenance;
-- A runaway query must not hold a pooled server connection for ever.
alter role vetlane_app set statement_timeout = '15s';
alter role vetlane_app set idle_in_transaction_session_timeout = '30s';
create database vetlane owner vetlane_owner;
-- Lets LIKE use the search indexes under row level security (see allowIndexedLikeUnderRls).
\connect vetlane
alter function pg_catalog.textlike(text, text) leakproof;
-- A Citus node (docker/citus/compose.yaml runs this on each): the extension in this database.
select 'create extension if not exists citus'
 where exists (select from pg_available_extensions where name = 'citus') \gexec
SQL
