/** A list endpoint's page: its rows (by limit and offset) and the total, in one unit of work. */
export async function pageOf<T>(
  opts: { page: number; pageSize: number },
  rows: (limit: number, offset: number) => Promise<T[]>,
  total: () => Promise<number>,
): Promise<{ data: T[]; total: number }> {
  return { data: await rows(opts.pageSize, (opts.page - 1) * opts.pageSize), total: await total() };
}
