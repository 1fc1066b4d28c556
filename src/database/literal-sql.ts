import pg from 'pg';
import { prepareValue } from 'pg/lib/utils.js';

/**
 * A statement with its parameters written in as literals, for a multi-statement
 * simple-protocol query (which takes no parameters). Each value is turned into text as
 * node-postgres sends it (prepareValue: arrays as array literals, dates with their
 * offset, objects as JSON) and quoted by node-postgres's escapeLiteral, so a value is only
 * ever a string literal: it reaches the server with the type the statement gives it, as an
 * untyped parameter does. `$n` must not occur in the statement other than as a parameter.
 */
export function withLiterals(sql: string, params: readonly unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new Error(`No parameter $${n} for: ${sql}`);
    return literal(params[i]);
  });
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = prepareValue(value);
  if (text === null) return 'NULL';
  if (typeof text !== 'string')
    throw new Error('Only text-like parameters can be written as literals');
  return pg.escapeLiteral(text);
}
