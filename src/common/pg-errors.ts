/** Postgres unique violation (SQLSTATE, not the constraint name: Citus errors carry none). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
