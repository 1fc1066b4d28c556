import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../common/paths.js';

/** What only src/cache may name: the Redis client and the Redis-or-memory flavours built on it. */
const CACHE_ONLY = [
  /from '(ioredis|connect-redis|@socket\.io\/redis-adapter)'/,
  /\bRateLimiter(Redis|Memory)\b/,
  /\bMemoryStore\b/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the cache module is the one door to Redis', () => {
  it('is the only part of src that names Redis or its in-memory stand-ins', () => {
    const src = join(PROJECT_ROOT, 'src');
    const outside = sourceFiles(src).filter((f) => !f.startsWith(join(src, 'cache') + '/'));
    expect(outside.length).toBeGreaterThan(50);
    const offenders = outside.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return CACHE_ONLY.filter((rule) => rule.test(text)).map(
        (rule) => `${relative(PROJECT_ROOT, file)} names ${rule.source}`,
      );
    });
    expect(offenders).toEqual([]);
  });
});
