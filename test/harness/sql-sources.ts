import { readdirSync, readFileSync, statSync } from 'node:fs';
import ts from 'typescript';
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

/**
 * The SQL texts of a file's string and template literals, with `${NAME}` of a const of the
 * same file filled in (UNREAD where an interpolation cannot be read statically), each with
 * the function-like node it sits in.
 */
export const UNREAD = '\u0000';
interface SqlLiteral {
  text: string;
  /** The names and declared types of the parameters of the functions around the literal. */
  scopes: { name: string; type: string }[][];
}
function sqlLiterals(file: SourceFile): SqlLiteral[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      consts.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const textOf = (node: ts.Expression, depth = 0): string => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isTemplateExpression(node))
      return (
        node.head.text +
        node.templateSpans.map((s) => textOf(s.expression, depth) + s.literal.text).join('')
      );
    if (ts.isIdentifier(node) && depth < 5 && consts.has(node.text))
      return textOf(consts.get(node.text)!, depth + 1);
    // An optional fragment (`cond ? 'checked_in_at = now(),' : ''`): the fragment.
    if (ts.isConditionalExpression(node)) {
      const [whenTrue, whenFalse] = [textOf(node.whenTrue, depth), textOf(node.whenFalse, depth)];
      if (!whenFalse.trim()) return whenTrue;
      if (!whenTrue.trim()) return whenFalse;
    }
    // A call that builds SQL (owesMoneySql('$1', 'a.client_id')): its literal arguments.
    if (ts.isCallExpression(node))
      return (
        UNREAD +
        node.arguments
          .filter((a) => ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a))
          .map((a) => textOf(a, depth))
          .join(' ')
      );
    return UNREAD;
  };
  const found: SqlLiteral[] = [];
  const visit = (node: ts.Node, scopes: SqlLiteral['scopes']): void => {
    if (ts.isFunctionLike(node))
      scopes = [
        ...scopes,
        node.parameters.map((p) => ({
          name: p.name.getText(source),
          type: p.type?.getText(source) ?? '',
        })),
      ];
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node)
    ) {
      found.push({ text: textOf(node), scopes });
      if (ts.isTemplateExpression(node))
        node.templateSpans.forEach((s) => visit(s.expression, scopes));
      return;
    }
    if (ts.isIdentifier(node) && consts.has(node.text) && !ts.isVariableDeclaration(node.parent))
      found.push({ text: textOf(node), scopes });
    ts.forEachChild(node, (child) => visit(child, scopes));
  };
  visit(source, []);
  return found;
}

/** An INSERT, UPDATE or DELETE … RETURNING of the app: its table, alias and RETURNING items. */
export interface ReturningClause {
  path: string;
  table: string;
  alias: string;
  items: string[];
}

/**
 * Top-level comma-separated items of a list, `as name` aliases left out, up to the end of
 * the text or an unmatched `)` (a RETURNING inside a WITH).
 */
function listItems(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) break;
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((item) => item.trim().replace(/\s+as\s+("[^"]*"|\w+)$/i, '')).filter(Boolean);
}

/**
 * Every RETURNING of a write in the files. A clause whose items cannot all be read (an
 * interpolation that is not a const of the file) comes back with `UNREAD` in its items.
 */
export function returningClauses(files: SourceFile[]): ReturningClause[] {
  const head =
    /\b(?:insert\s+into|update|delete\s+from)\s+(\w+|\u0000)(?:\s+(?:as\s+)?(?!set\b|where\b|values\b|using\b)(\w+))?/i;
  return files.flatMap((file) =>
    [...new Set(sqlLiterals(file).map((l) => l.text))].flatMap((text) => {
      const returning = /\breturning\b([\s\S]*)$/i.exec(text);
      const target = head.exec(text);
      if (!returning || !target) return [];
      const table = target[1];
      return [
        {
          path: file.path,
          table,
          alias: target[2] ?? table,
          items: listItems(returning[1].replace(/;\s*$/, '')),
        },
      ];
    }),
  );
}

/** A RETURNING item that is a bare (optionally qualified) column: immutable by construction. */
/** A column, `t.column`, or `*` / `t.*` (all columns: nothing computed). */
export const isPlainColumn = (item: string) => /^(\w+\.)?(\w+|\*)$/.test(item);

/**
 * Calls of the named SQL functions from inside a tenant's unit of work: a literal that names
 * one, inside a function that takes the tenant transaction (`tx`, a `TenantTx`, or its
 * `manager`), as `path: function`.
 */
export function callsInTenantWork(files: SourceFile[], functions: string[]): string[] {
  const inTenantWork = (scopes: SqlLiteral['scopes']) =>
    scopes.some((params) =>
      params.some(
        (p) => p.name === 'tx' || /\bTenantTx\b/.test(p.type) || /\bmanager\b/.test(p.name),
      ),
    );
  return files.flatMap((file) =>
    sqlLiterals(file)
      .filter(({ scopes }) => inTenantWork(scopes))
      .flatMap(({ text }) =>
        functions
          .filter((fn) => new RegExp(`\\b${fn}\\s*\\(`, 'i').test(text))
          .map((fn) => `${file.path}: ${fn}`),
      ),
  );
}

/**
 * Where a query reads the tenant_id of a MATERIALIZED CTE outside it, as `path: cte.tenant_id`.
 * On Citus the CTE becomes an intermediate result: a table joined to it by tenant_id is not
 * joined on its distribution column, and the query is refused unless every table is tied to
 * the tenant parameter itself.
 */
export function materializedTenantJoins(files: SourceFile[]): string[] {
  return files.flatMap((file) =>
    [...new Set(sqlLiterals(file).map((l) => l.text))].flatMap((text) =>
      [...text.matchAll(/\bwith\s+(\w+)\s+as\s+materialized\s*\(/gi)].flatMap((cte) => {
        let depth = 1;
        let end = cte.index! + cte[0].length;
        while (end < text.length && depth > 0) depth += { '(': 1, ')': -1 }[text[end++]] ?? 0;
        return new RegExp(`\\b${cte[1]}\\.tenant_id\\b`, 'i').test(text.slice(end))
          ? [`${file.path}: ${cte[1]}.tenant_id`]
          : [];
      }),
    ),
  );
}

/** An UPDATE of the app: its table, alias and the expressions it assigns. */
export interface UpdateSet {
  path: string;
  table: string;
  alias: string;
  expressions: string[];
}

/**
 * The readable assignments of every UPDATE in the files (`col = expression`, the SET list up
 * to its WHERE, FROM or RETURNING); ON CONFLICT updates are left to their own rule.
 */
export function updateSets(files: SourceFile[]): UpdateSet[] {
  const head = /\bupdate\s+(?!set\b)(\w+)(?:\s+(?:as\s+)?(?!set\b)(\w+))?\s+set\s/gi;
  return files.flatMap((file) =>
    [...new Set(sqlLiterals(file).map((l) => l.text))].flatMap((text) =>
      [...text.matchAll(head)].map((m) => {
        const rest = text.slice(m.index! + m[0].length);
        let depth = 0;
        let end = 0;
        for (; end < rest.length; end++) {
          depth += { '(': 1, ')': -1 }[rest[end]] ?? 0;
          if (depth < 0) break;
          if (depth === 0 && /^\s(where|from|returning)\b/i.test(rest.slice(end))) break;
        }
        const expressions = listItems(rest.slice(0, end))
          .map((item) => /^[^=]*?[^<>!]=(?!=)([\s\S]*)$/.exec(item)?.[1].trim() ?? UNREAD)
          .filter((e) => !e.includes(UNREAD));
        return { path: file.path, table: m[1], alias: m[2] ?? m[1], expressions };
      }),
    ),
  );
}

/** Calls of the current time, with a constant of their type (for what Citus evaluates once). */
export const TIME_CALLS: [RegExp, string][] = [
  [
    /\b(now\(\)|current_timestamp|transaction_timestamp\(\)|statement_timestamp\(\))/gi,
    "'2000-01-01 00:00+00'::timestamptz",
  ],
  [/\bcurrent_date\b/gi, "'2000-01-01'::date"],
  [/\blocaltimestamp\b/gi, "'2000-01-01'::timestamp"],
];

/** The SQL statements of each literal of the files (dollar-quoted bodies left out), per literal. */
export function statementsPerLiteral(
  files: SourceFile[],
): { path: string; statements: string[] }[] {
  return files.flatMap((file) =>
    [...new Set(sqlLiterals(file).map((l) => l.text))].map((text) => ({
      path: file.path,
      statements: text
        .replace(/(\$\w*\$)[\s\S]*?\1/g, '')
        .split(';')
        .map((s) => s.replace(/\s+/g, ' ').trim())
        .filter(Boolean),
    })),
  );
}
