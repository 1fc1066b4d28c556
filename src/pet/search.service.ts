import { Injectable } from '@nestjs/common';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { SearchQueries } from './pet.queries.js';
import type { SearchRow } from './pet.types.js';
import { searchTerms } from './search.terms.js';

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

/** Finds clients and pets of the request's clinic from one box of text. */
@Injectable()
export class SearchService {
  constructor(private readonly db: TenantDb) {}

  search(q: string | undefined, opts: { kind?: 'pet' | 'client'; limit?: number } = {}) {
    return this.db.readTogether((tx) => this.searchIn(tx, q, opts));
  }

  async searchIn(
    tx: TenantTx,
    q: string | undefined,
    opts: { kind?: 'pet' | 'client'; limit?: number } = {},
  ): Promise<SearchResult[]> {
    const terms = searchTerms(q);
    if (!terms) return [];
    const rows = await SearchQueries.search(tx, terms, {
      clients: opts.kind !== 'pet',
      pets: opts.kind !== 'client',
      limit: Math.min(opts.limit ?? SEARCH_LIMIT, SEARCH_LIMIT),
    });
    return rows.map(toResult);
  }
}

function toResult(r: SearchRow): SearchResult {
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
