import { Injectable } from '@nestjs/common';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { searchTerms, termConditions } from './search.terms.js';

/** One hit of the search box; `search.json` returns these as they are. */
export interface SearchResult {
  kind: 'client' | 'pet';
  id: string;
  label: string;
  sublabel: string;
  clientId: string;
  petId?: string;
  species?: string;
  deceased?: boolean;
  alerts?: string | null;
}

export const SEARCH_LIMIT = 20;

interface Row {
  kind: 'client' | 'pet';
  id: string;
  client_id: string;
  label: string;
  owner: string | null;
  phone: string | null;
  email: string | null;
  microchip: string | null;
  species: string | null;
  deceased: boolean;
  alerts: string | null;
}

/** At most this many index matches per table are ranked; typing more narrows the rest. */
const RANKED_CANDIDATES = 300;

/**
 * The SQL of the one search box: clients by name, email or phone digits; pets by name or
 * microchip, and the pets of the matching clients (so the booking form's pet picker finds
 * a pet by its owner). Each branch filters through the `(tenant_id, search_text)` trigram
 * index, ranks at most RANKED_CANDIDATES matches by word similarity (so "garc" among
 * thousands of Garcías does not fetch them all), and the union is ranked once more.
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

/** Finds clients and pets of the request's clinic from one box of text. */
@Injectable()
export class SearchService {
  constructor(private readonly db: TenantDb) {}

  search(q: string | undefined, opts: { kind?: 'pet' | 'client'; limit?: number } = {}) {
    return this.db.run((tx) => this.searchIn(tx, q, opts));
  }

  async searchIn(
    tx: TenantTx,
    q: string | undefined,
    opts: { kind?: 'pet' | 'client'; limit?: number } = {},
  ): Promise<SearchResult[]> {
    const terms = searchTerms(q);
    if (!terms) return [];
    const sql = searchSql({
      words: terms.words.length,
      clients: opts.kind !== 'pet',
      pets: opts.kind !== 'client',
    });
    const params = termConditions('c', terms, 4).params;
    const rows: Row[] = await tx.manager.query(sql, [
      tx.tenantId,
      terms.whole,
      Math.min(opts.limit ?? SEARCH_LIMIT, SEARCH_LIMIT),
      ...params,
    ]);
    return rows.map(toResult);
  }
}

function toResult(r: Row): SearchResult {
  const join = (...parts: (string | null)[]) => parts.filter(Boolean).join(' · ');
  if (r.kind === 'client')
    return {
      kind: 'client',
      id: r.id,
      label: r.label,
      sublabel: join(r.phone, r.email),
      clientId: r.client_id,
    };
  return {
    kind: 'pet',
    id: r.id,
    label: r.label,
    sublabel: join(r.owner, r.microchip),
    clientId: r.client_id,
    petId: r.id,
    species: r.species ?? undefined,
    deceased: r.deceased,
    alerts: r.alerts,
  };
}
