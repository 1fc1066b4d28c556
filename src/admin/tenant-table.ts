import { csvLine } from '../common/csv.js';
import type { TenantStatsRow } from './platform-stats.service.js';

/** A tenant's figures, in the order the table and the CSV show them. */
const METRICS = [
  'clients',
  'pets',
  'appointments',
  'appointmentsMonth',
  'appointments7d',
  'staff',
  'tier',
  'dbBytes',
  'objectBytes',
  'lastActivityAt',
  'throttledToday',
] as const;

export const SORTABLE = ['name', 'company', ...METRICS] as const;
export type SortKey = (typeof SORTABLE)[number];

export interface TableQuery {
  q: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
}

export const PAGE_SIZE = 50;
const TIER_ORDER = { low: 0, medium: 1, high: 2 } as const;

/** Reads ?q=&sort=&dir=&page= leniently: anything unknown falls back to the default. */
export function parseTableQuery(query: Record<string, unknown>): TableQuery {
  const sort = SORTABLE.find((k) => k === query.sort) ?? 'appointmentsMonth';
  const dir =
    query.dir === 'asc' || query.dir === 'desc'
      ? query.dir
      : sort === 'name' || sort === 'company'
        ? 'asc'
        : 'desc';
  const page = Math.max(1, Math.min(100_000, Number.parseInt(String(query.page ?? '1'), 10) || 1));
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
  return { q, sort, dir, page };
}

function sortValue(row: TenantStatsRow, key: SortKey): string | number {
  if (key === 'tier') return TIER_ORDER[row.tier];
  if (key === 'lastActivityAt') return row.lastActivityAt ?? '';
  if (key === 'name' || key === 'company') return (row[key] ?? '').toLocaleLowerCase();
  return row[key];
}

/** Rows whose name, slug or company contains the search text (all rows for none). */
export function search<T extends Pick<TenantStatsRow, 'name' | 'slug' | 'company'>>(
  rows: T[],
  q: string,
): T[] {
  const needle = q.toLocaleLowerCase();
  if (!needle) return rows;
  return rows.filter(
    (r) =>
      r.name.toLocaleLowerCase().includes(needle) ||
      r.slug.includes(needle) ||
      (r.company ?? '').toLocaleLowerCase().includes(needle),
  );
}

/** Search, then sort; sort keys are computed once per row, not per comparison. */
export function filterAndSort(rows: TenantStatsRow[], query: TableQuery): TenantStatsRow[] {
  const found = search(rows, query.q);
  const sign = query.dir === 'asc' ? 1 : -1;
  return found
    .map((row) => ({ row, key: sortValue(row, query.sort) }))
    .sort((a, b) => {
      if (a.key < b.key) return -sign;
      if (a.key > b.key) return sign;
      return a.row.slug < b.row.slug ? -1 : 1;
    })
    .map((d) => d.row);
}

export function pageOf<T>(rows: T[], page: number) {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  return {
    rows: rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE),
    page: current,
    pages,
    total: rows.length,
  };
}

const CSV_COLUMNS = ['slug', 'name', 'company', 'plan', ...METRICS] as const;

export function tenantsCsv(rows: TenantStatsRow[]): string {
  return csvLine(CSV_COLUMNS) + rows.map((row) => csvLine(CSV_COLUMNS.map((c) => row[c]))).join('');
}
