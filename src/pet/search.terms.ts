/**
 * How the search box's text becomes trigram-indexable conditions on `search_text`
 * (migration 1732520000000): a phone-like query is reduced to its digits (numbers are
 * stored without spaces), anything else is split into words that must all appear. Both
 * sides are normalised by the same SQL function, so accents and case never matter.
 */
export interface SearchTerms {
  /** Substrings that must all occur (raw; normalised in SQL). */
  words: string[];
  /** The whole query, for ranking. */
  whole: string;
}

const MAX_WORDS = 5;

export function searchTerms(q: string | undefined | null): SearchTerms | null {
  const text = (q ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').slice(0, 100);
  if (/^\+?[\d\s().-]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    return digits.length >= 3 ? { words: [digits], whole: digits } : null;
  }
  const words = text
    .split(' ')
    .filter((w) => w.length >= 2)
    .slice(0, MAX_WORDS);
  return words.length ? { words, whole: words.join(' ') } : null;
}

/** Escapes LIKE's wildcards so a typed `%` or `_` is matched literally. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * `alias.search_text like '%' || search_normalize($n) || '%'` for every word, and the
 * parameters numbered from `firstParam`.
 */
export function termConditions(
  alias: string,
  terms: SearchTerms,
  firstParam: number,
): { sql: string; params: string[] } {
  const params = terms.words.map(escapeLike);
  const sql = params
    .map((_, i) => `${alias}.search_text like '%' || search_normalize($${firstParam + i}) || '%'`)
    .join(' and ');
  return { sql, params };
}
