import { owesMoneySql } from '../billing/billing.queries.js';
import { firstRow, type TenantTx } from '../database/tenant-db.js';
import type { ClientInput, ClientPatch, PetPatch } from './pet.inputs.js';
import {
  CLIENT_FIELDS,
  type ClientListItem,
  type ClientRecord,
  PET_FIELDS,
  type PetOwner,
  type PetRecord,
  type SearchRow,
} from './pet.types.js';
import { type SearchTerms, termConditions } from './search.terms.js';

const CLIENT_COLUMNS = `c.id, c.first_name as "firstName", c.last_name as "lastName", c.email::text as email,
  c.phone, c.phone_alt as "phoneAlt", c.address, c.notes, c.locale, c.created_at as "createdAt", c.updated_at as "updatedAt"`;

const PET_COLUMNS = `p.id, p.client_id as "clientId", p.name, p.species, p.breed, p.sex, p.neutered,
  to_char(p.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", p.microchip, p.colour,
  p.weight_kg::float8 as "weightKg", p.alerts, to_char(p.deceased_on, 'YYYY-MM-DD') as "deceasedOn",
  p.created_at as "createdAt", p.updated_at as "updatedAt"`;

/**
 * `col = $n` pairs for the fields present in `input` (undefined = leave alone), with their
 * parameters numbered from `firstParam`.
 */
function assignments(input: object, fields: readonly string[], firstParam: number) {
  const values = input as Record<string, unknown>;
  const present = fields.filter((field) => values[field] !== undefined);
  return {
    columns: present.map((field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
    placeholders: present.map((_, i) => `$${firstParam + i}`),
    params: present.map((field) => values[field]),
  };
}

/** A table as these queries address it: aliased, with its form fields and its record's columns. */
interface Table {
  from: string;
  alias: string;
  fields: readonly string[];
  columns: string;
}
const CLIENTS: Table = {
  from: 'clients c',
  alias: 'c',
  fields: CLIENT_FIELDS,
  columns: CLIENT_COLUMNS,
};
const PETS: Table = { from: 'pets p', alias: 'p', fields: PET_FIELDS, columns: PET_COLUMNS };

function byId<T>(tx: TenantTx, table: Table, id: string): Promise<T | null> {
  return firstRow<T>(
    tx.manager,
    `select ${table.columns} from ${table.from} where ${table.alias}.tenant_id = $1 and ${table.alias}.id = $2`,
    [tx.tenantId, id],
  );
}

/**
 * Sets the patch's fields of row `id` and reads the record back (a pet's columns call
 * to_char, which Citus refuses in RETURNING); null when the patch sets nothing.
 */
async function updateById<T>(
  tx: TenantTx,
  table: Table,
  id: string,
  patch: object,
): Promise<T | null> {
  const set = assignments(patch, table.fields, 3);
  if (!set.columns.length) return null;
  const changed = await firstRow<{ id: string }>(
    tx.manager,
    `update ${table.from} set ${set.columns.map((c, i) => `${c} = ${set.placeholders[i]}`).join(', ')},
            updated_at = now()
      where ${table.alias}.tenant_id = $1 and ${table.alias}.id = $2 returning id`,
    [tx.tenantId, id, ...set.params],
  );
  return changed && byId<T>(tx, table, changed.id);
}

/** A page of the table's records where `where` (params from $1), and the total. */
async function pageOf<T>(
  tx: TenantTx,
  table: Table,
  q: { where: string; params: unknown[]; order: string },
  page: { limit: number; offset: number },
): Promise<{ data: T[]; total: number }> {
  const n = q.params.length + 1;
  const [data, [{ total }]] = await Promise.all([
    tx.manager.query<T[]>(
      `select ${table.columns} from ${table.from} where ${q.where} order by ${q.order}
        limit $${n} offset $${n + 1}`,
      [...q.params, page.limit, page.offset],
    ),
    tx.manager.query<{ total: number }[]>(
      `select count(*)::int as total from ${table.from} where ${q.where}`,
      q.params,
    ),
  ]);
  return { data, total };
}

/** Clients (owners). Every query filters on tenant_id = $1. */
export const ClientQueries = {
  async counts(tx: TenantTx): Promise<{ clients: number; pets: number }> {
    const [row] = await tx.manager.query<{ clients: number; pets: number }[]>(
      `select (select count(*) from clients where tenant_id = $1)::int as clients,
              (select count(*) from pets where tenant_id = $1)::int as pets`,
      [tx.tenantId],
    );
    return row;
  },

  list(tx: TenantTx, page: { limit: number; offset: number }): Promise<ClientListItem[]> {
    return tx.manager.query<ClientListItem[]>(
      `select c.id, c.first_name as "firstName", c.last_name as "lastName", c.phone, c.email,
              (select string_agg(p.name, ', ' order by p.name) from pets p
                where p.tenant_id = c.tenant_id and p.client_id = c.id) as "petNames"
         from clients c where c.tenant_id = $1
        order by c.last_name, c.first_name, c.id limit $2 offset $3`,
      [tx.tenantId, page.limit, page.offset],
    );
  },

  /** Full records, narrowed by the search box's terms when given. */
  page(
    tx: TenantTx,
    opts: { terms: SearchTerms | null; limit: number; offset: number },
  ): Promise<{ data: ClientRecord[]; total: number }> {
    const cond = opts.terms ? termConditions('c', opts.terms, 2) : { sql: 'true', params: [] };
    return pageOf<ClientRecord>(
      tx,
      CLIENTS,
      {
        where: `c.tenant_id = $1 and ${cond.sql}`,
        params: [tx.tenantId, ...cond.params],
        order: 'c.last_name, c.first_name, c.id',
      },
      opts,
    );
  },

  byId(tx: TenantTx, id: string): Promise<ClientRecord | null> {
    return byId<ClientRecord>(tx, CLIENTS, id);
  },

  async exists(tx: TenantTx, id: string): Promise<boolean> {
    const rows = await tx.manager.query<unknown[]>(
      'select id from clients where tenant_id = $1 and id = $2',
      [tx.tenantId, id],
    );
    return rows.length > 0;
  },

  owner(tx: TenantTx, id: string): Promise<PetOwner | null> {
    return firstRow<PetOwner>(
      tx.manager,
      `select c.id, c.first_name as "firstName", c.last_name as "lastName", c.phone,
              ${owesMoneySql('c.tenant_id', 'c.id')} as "owesMoney"
         from clients c where c.tenant_id = $1 and c.id = $2`,
      [tx.tenantId, id],
    );
  },

  async insert(tx: TenantTx, input: ClientInput): Promise<ClientRecord> {
    const ins = assignments(input, CLIENT_FIELDS, 2);
    const [row] = await tx.manager.query<ClientRecord[]>(
      `insert into clients as c (tenant_id, ${ins.columns.join(', ')})
       values ($1, ${ins.placeholders.join(', ')}) returning ${CLIENT_COLUMNS}`,
      [tx.tenantId, ...ins.params],
    );
    return row;
  },

  /** The changed record; null when the patch sets nothing (nothing is written then). */
  update(tx: TenantTx, id: string, patch: ClientPatch): Promise<ClientRecord | null> {
    return updateById<ClientRecord>(tx, CLIENTS, id, patch);
  },

  /** The clinic's oldest client with this email (case aside), other than `exceptId`. */
  async idByEmail(tx: TenantTx, email: string, exceptId: string): Promise<string | null> {
    const row = await firstRow<{ id: string }>(
      tx.manager,
      `select id from clients where tenant_id = $1 and lower(email) = lower($2) and id <> $3
        order by created_at limit 1`,
      [tx.tenantId, email, exceptId],
    );
    return row?.id ?? null;
  },

  /** Deletes a client with their pets (and their pets' appointments: foreign keys cascade). */
  async delete(tx: TenantTx, id: string): Promise<void> {
    await tx.manager.query('delete from clients where tenant_id = $1 and id = $2', [
      tx.tenantId,
      id,
    ]);
  },
};

/** Pets (patients). Every query filters on tenant_id = $1. */
export const PetQueries = {
  /** The client's living pet of that name (case and accents aside), if any. */
  async idByName(tx: TenantTx, clientId: string, name: string): Promise<string | null> {
    const row = await firstRow<{ id: string }>(
      tx.manager,
      `select id from pets where tenant_id = $1 and client_id = $2 and deceased_on is null
          and search_normalize(name) = search_normalize($3)
        order by created_at limit 1`,
      [tx.tenantId, clientId, name],
    );
    return row?.id ?? null;
  },

  async setClient(tx: TenantTx, petId: string, clientId: string): Promise<void> {
    await tx.manager.query(
      'update pets set client_id = $3, updated_at = now() where tenant_id = $1 and id = $2',
      [tx.tenantId, petId, clientId],
    );
  },

  /** Pets, of one client and/or narrowed by the search box's terms when given. */
  page(
    tx: TenantTx,
    opts: { clientId?: string; terms: SearchTerms | null; limit: number; offset: number },
  ): Promise<{ data: PetRecord[]; total: number }> {
    const params: unknown[] = [tx.tenantId];
    const where = ['p.tenant_id = $1'];
    if (opts.clientId) where.push(`p.client_id = $${params.push(opts.clientId)}`);
    if (opts.terms) {
      const cond = termConditions('p', opts.terms, params.length + 1);
      where.push(cond.sql);
      params.push(...cond.params);
    }
    return pageOf<PetRecord>(
      tx,
      PETS,
      { where: where.join(' and '), params, order: 'p.name, p.id' },
      opts,
    );
  },

  byId(tx: TenantTx, id: string): Promise<PetRecord | null> {
    return byId<PetRecord>(tx, PETS, id);
  },

  /** The client's pets, living ones first. */
  ofClient(tx: TenantTx, clientId: string): Promise<PetRecord[]> {
    return tx.manager.query<PetRecord[]>(
      `select ${PET_COLUMNS} from pets p where p.tenant_id = $1 and p.client_id = $2
        order by p.deceased_on is not null, p.name`,
      [tx.tenantId, clientId],
    );
  },

  async insert(tx: TenantTx, clientId: string, input: PetPatch): Promise<PetRecord> {
    const ins = assignments(input, PET_FIELDS, 3);
    // The record is read back: its dates are formatted by to_char (STABLE), which Citus
    // refuses in RETURNING (test/integration/schema-rules.test.ts).
    const [{ id }] = await tx.manager.query<{ id: string }[]>(
      `insert into pets as p (tenant_id, client_id, ${ins.columns.join(', ')})
       values ($1, $2, ${ins.placeholders.join(', ')}) returning p.id`,
      [tx.tenantId, clientId, ...ins.params],
    );
    return (await byId<PetRecord>(tx, PETS, id))!;
  },

  /** The changed record; null when the patch sets nothing (nothing is written then). */
  update(tx: TenantTx, id: string, patch: PetPatch): Promise<PetRecord | null> {
    return updateById<PetRecord>(tx, PETS, id, patch);
  },

  async setWeight(tx: TenantTx, petId: string, weightKg: number): Promise<void> {
    await tx.manager.query(
      `update pets set weight_kg = $3, updated_at = now() where tenant_id = $1 and id = $2`,
      [tx.tenantId, petId, weightKg],
    );
  },
};

/** At most this many index matches per table are ranked; typing more narrows the rest. */
const RANKED_CANDIDATES = 300;

/**
 * The SQL of the one search box: clients by name, email or phone digits; pets by name or
 * microchip, and the pets of the matching clients (so the booking form's pet picker finds
 * a pet by its owner). Each branch filters through the `(tenant_id, search_text)` trigram
 * index, ranks at most RANKED_CANDIDATES matches by word similarity (so "garc" among
 * thousands of Garcías does not fetch them all), and the union is ranked once more.
 * Parameters: $1 tenant, $2 the whole text, $3 the limit, $4… the words.
 */
export function searchSql(opts: { words: number; pets: boolean; clients: boolean }) {
  const words = { words: Array<string>(opts.words).fill(''), whole: '' };
  const c = termConditions('c', words, 4).sql;
  const p = termConditions('p', words, 4).sql;
  return `
    with q as (select search_normalize($2) as whole),
    matched_clients as (
      select c.id, c.first_name, c.last_name, c.phone, c.email::text as email,
             word_similarity(q.whole, c.search_text) as score
        from (select * from clients c where c.tenant_id = $1 and ${c} limit ${RANKED_CANDIDATES}) c, q
       order by score desc, c.last_name, c.first_name limit $3
    ),
    matched_pets as (
      select p.id, p.client_id, word_similarity(q.whole, p.search_text) as score
        from (select * from pets p where p.tenant_id = $1 and ${opts.pets ? p : 'false'}
               limit ${RANKED_CANDIDATES}) p, q
       order by score desc, p.name limit $3
    ),
    owners_pets as (
      select p.id, p.client_id, mc.score - 0.001 as score
        from matched_clients mc join pets p on p.tenant_id = $1 and p.client_id = mc.id
       where ${opts.pets}
    ),
    pet_hits as (
      select distinct on (id) id, client_id, score
        from (select * from matched_pets union all select * from owners_pets) h
       order by id, score desc
    )
    select * from (
      select 'client' as kind, id, id as client_id, first_name || ' ' || last_name as label,
             null as owner, phone, email, null as microchip, null as species, false as deceased,
             null as alerts, score
        from matched_clients where ${opts.clients}
      union all
      select 'pet', p.id, p.client_id, p.name, oc.first_name || ' ' || oc.last_name, oc.phone, null,
             p.microchip, p.species, p.deceased_on is not null, p.alerts, h.score
        from pet_hits h
        join pets p on p.tenant_id = $1 and p.id = h.id
        join clients oc on oc.tenant_id = $1 and oc.id = p.client_id
    ) r
    order by score desc, kind, label
    limit $3`;
}

export const SearchQueries = {
  search(
    tx: TenantTx,
    terms: SearchTerms,
    opts: { clients: boolean; pets: boolean; limit: number },
  ): Promise<SearchRow[]> {
    const sql = searchSql({ words: terms.words.length, ...opts });
    return tx.manager.query<SearchRow[]>(sql, [
      tx.tenantId,
      terms.whole,
      opts.limit,
      ...termConditions('c', terms, 4).params,
    ]);
  },
};
