import type { EntityManager } from 'typeorm';

/**
 * One multi-row INSERT per chunk (Citus pushes multi-row VALUES to the shards; an
 * INSERT … SELECT with gen_random_uuid() it cannot). Columns come from the first row.
 */
export async function insertRows(
  manager: EntityManager,
  table: string,
  rows: Record<string, unknown>[],
  chunk = 500,
) {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const params: unknown[] = [];
    const tuples = slice.map(
      (row) => `(${columns.map((c) => `$${params.push(row[c] ?? null)}`).join(', ')})`,
    );
    await manager.query(
      `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`,
      params,
    );
  }
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same demo every time. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof random>;

export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
