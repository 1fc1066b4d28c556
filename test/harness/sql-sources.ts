import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's TypeScript read as text, for rules about the SQL it holds that the
 * catalog cannot show (test/integration/schema-rules.test.ts).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SourceFile {
  path: string;
  text: string;
}

/** Every .ts file under the repository folder `dir`, specs left out. */
export function sourceFiles(dir: string): SourceFile[] {
  const walk = (abs: string): string[] =>
    readdirSync(abs).flatMap((name) => {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
    });
  return walk(join(ROOT, dir)).map((path) => ({
    path: relative(ROOT, path),
    text: readFileSync(path, 'utf8'),
  }));
}

/** The migration files whose timestamp is `since` or later. */
export function migrationsSince(since: number): SourceFile[] {
  return sourceFiles('migrations').filter((f) => Number(/\/(\d{13})-/.exec(f.path)?.[1]) >= since);
}

/** A `kind: [...]` list of the call, or `kind: NAME` naming a `const NAME = [...]` of the file. */
function tableList(text: string, call: string, kind: string): string {
  const inline = new RegExp(`${kind}:\\s*\\[([^\\]]*)\\]`).exec(call)?.[1];
  if (inline !== undefined) return inline;
  const name = new RegExp(`${kind}:\\s*(\\w+)`).exec(call)?.[1];
  return name ? (new RegExp(`const ${name}\\s*=\\s*\\[([^\\]]*)\\]`).exec(text)?.[1] ?? '') : '';
}

/** The tables the migrations place on Citus: named in their distributeOnCitus() calls. */
export function citusLayout(): { reference: Set<string>; tenant: Set<string> } {
  const layout = { reference: new Set<string>(), tenant: new Set<string>() };
  for (const { text } of sourceFiles('migrations'))
    for (const [, call] of text.matchAll(/distributeOnCitus\(\{([\s\S]*?)\}\)/g))
      for (const kind of ['reference', 'tenant'] as const) {
        const list = tableList(text, call, kind);
        for (const [, name] of list.matchAll(/'(\w+)'/g)) layout[kind].add(name);
      }
  return layout;
}

/** Where `pattern` matches in the files, as `path: match` (for a readable failure). */
export function occurrences(files: SourceFile[], pattern: RegExp): string[] {
  return files.flatMap((f) =>
    [...f.text.matchAll(pattern)].map((m) => `${f.path}: ${m[0].replace(/\s+/g, ' ')}`),
  );
}

/** Values a function computes anew on each call: Citus needs ON CONFLICT updates immutable. */
export const VOLATILE_CALL =
  /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|random|gen_random_uuid)\s*\(|\b(current_timestamp|localtimestamp)\b/i;

/** The SET part of every `ON CONFLICT … DO UPDATE` in the text. */
export function conflictUpdates(text: string): string[] {
  return [...text.matchAll(/do\s+update\s+set\b([\s\S]*?)(?=;|`|\$\$|'|\breturning\b|$)/gi)].map(
    (m) => m[1],
  );
}
