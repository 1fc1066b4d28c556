declare module 'pg/lib/utils.js' {
  /** How node-postgres sends a parameter: arrays as array literals, dates and objects as text. */
  export function prepareValue(value: unknown): unknown;
}
