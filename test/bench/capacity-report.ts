import type { LoadResult } from './load.js';

export interface Row {
  name: string;
  result: LoadResult;
  /** App (or baseline) CPU per request, from /proc. */
  cpuMs: number;
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** The markdown report of one `npm run bench` run: the table, the targets and the machine. */
export function writeReport(r: {
  tenants: number;
  seconds: number;
  clinicsUsed: number;
  seedSeconds: number | null;
  load: [number, number];
  rows: Row[];
  openRuns: { rate: number; result: LoadResult }[];
  bookings: LoadResult;
  rssMb: number;
  hitRatio: number;
}): string {
  const rps = (name: string) => r.rows.find((x) => x.name === name)?.result.rps ?? NaN;
  const raw = rps('raw baseline: day view');
  const lines = [
    `# Capacity benchmark: ${r.tenants} clinics`,
    '',
    `${new Date().toISOString()} · ${r.seconds} s per measurement · ${r.clinicsUsed} signed-in front desks · ` +
      `load average ${f(r.load[0], 2)} at start, ${f(r.load[1], 2)} at end (2 cores shared with the load generator and other work)` +
      (r.seedSeconds === null ? '' : ` · clinics generated in ${f(r.seedSeconds, 0)} s`),
    '',
    '| measurement | req/s | × raw | mean ms | p50 ms | p99 ms | errors | app CPU ms/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map(
      ({ name, result: x, cpuMs }) =>
        `| ${name} | ${f(x.rps, 0)} | ${f(x.rps / raw, 2)} | ${f(x.mean)} | ${f(x.p50)} | ${f(x.p99)} | ${x.errors} | ${f(cpuMs, 2)} |`,
    ),
    '',
    '| front-desk mix, open loop | achieved req/s | p99 ms | errors |',
    '|---|---:|---:|---:|',
    ...r.openRuns.map(
      ({ rate, result: x }) =>
        `| ${rate} req/s offered | ${f(x.rps, 0)} | ${f(x.p99)} | ${x.errors} |`,
    ),
    '',
    `Response cache hit ratio (whole run, cached app, from /metrics): ${f(r.hitRatio * 100)} %. ` +
      `App RSS after the run: ${f(r.rssMb, 0)} MB. Bookings: ${f(r.bookings.rps - r.bookings.expected / r.bookings.seconds, 0)} booked/s, ` +
      `${r.bookings.expected} intended conflicts, ${r.bookings.errors} errors.`,
    '',
    '## Targets (issue 9)',
    '',
    `- uncached day view ≥ 0.5× raw: ${f(rps('day view, uncached') / raw, 2)}×`,
    `- cached day view ≥ 5× uncached: ${f(rps('day view, cached') / rps('day view, uncached'), 2)}×`,
    `- seed 002's 20 simultaneous requests, average ≤ 20 ms: ${f(r.rows.find((x) => x.name.startsWith('seed 002'))?.result.mean ?? NaN)} ms`,
    `- front-desk mix ≥ 850 req/s with p99 ≤ 100 ms and 0 errors: ${r.openRuns
      .map((o) => `${o.rate}/s → p99 ${f(o.result.p99)} ms, ${o.result.errors} errors`)
      .join('; ')}`,
    '',
    'Errors seen (first few): ' +
      ([
        ...r.rows.flatMap((x) => x.result.firstErrors),
        ...r.openRuns.flatMap((o) => o.result.firstErrors),
      ]
        .slice(0, 6)
        .join('; ') || 'none'),
    '',
  ];
  return lines.join('\n');
}
