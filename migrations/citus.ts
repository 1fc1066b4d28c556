/**
 * Citus (distributed PostgreSQL, ARCHITECTURE.md "Scale path"): the steps a migration takes
 * only on a Citus coordinator, so the same migrations run unchanged on plain PostgreSQL.
 * Tenant tables are distributed by tenant_id, colocated with `staff`; directory tables
 * (and staff_bookings, whose constraint spans tenants) become reference tables.
 */
export const ON_CITUS = `exists (select from pg_extension where extname = 'citus')`;

/**
 * Distributes the tables, in order: every foreign key that touches them is dropped, the
 * tables distributed, then the keys added back (a key that exists when a reference table is
 * made pulls every linked table into a "citus local" table). A table already distributed is
 * left as it is. A new tenant table: create it without foreign keys, call this, then add them.
 */
export function distributeOnCitus(tables: { reference?: string[]; tenant?: string[] }): string {
  const list = (names: string[] = []) => `array[${names.map((n) => `'${n}'`).join(', ')}]::text[]`;
  return `
    do $citus$
    declare
      fk record;
      t text;
      moved text[] := ${list(tables.reference)} || ${list(tables.tenant)};
      keys text[][] := '{}';
    begin
      if not ${ON_CITUS} then return; end if;
      -- Tenant tables are colocated with staff: until 1733600000000 has distributed it, an
      -- older migration leaves its tables to that one (whose list names them).
      if cardinality(${list(tables.tenant)}) > 0 and not ('staff' = any(moved))
         and not exists (select from pg_dist_partition where logicalrelid = 'staff'::regclass) then
        return;
      end if;
      -- One connection per worker: DDL and foreign keys to reference tables in one transaction.
      set local citus.multi_shard_modify_mode to 'sequential';
      for fk in
        select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def
          from pg_constraint
         where contype = 'f' and conparentid = 0 and connamespace = 'public'::regnamespace
           and (conrelid::regclass::text = any(moved) or confrelid::regclass::text = any(moved))
      loop
        keys := keys || array[[fk.tbl, fk.conname, fk.def]];
        execute format('alter table %I drop constraint %I', fk.tbl, fk.conname);
      end loop;
      foreach t in array ${list(tables.reference)} loop
        if not exists (select from pg_dist_partition where logicalrelid = t::regclass) then
          perform create_reference_table(t);
        end if;
      end loop;
      foreach t in array ${list(tables.tenant)} loop
        if not exists (select from pg_dist_partition where logicalrelid = t::regclass) then
          perform create_distributed_table(t, 'tenant_id',
            colocate_with => case when t = 'staff' then 'default' else 'staff' end);
        end if;
      end loop;
      for i in 1 .. coalesce(array_length(keys, 1), 0) loop
        execute format('alter table %I add constraint %I %s', keys[i][1], keys[i][2], keys[i][3]);
      end loop;
    end $citus$;`;
}
