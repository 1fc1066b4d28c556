import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Where a measurement's CPU went, over the whole machine: the bench's app processes by name,
 * the load generator (this process), PostgreSQL, pgBouncer, Redis and everything else, read
 * from /proc. Per request, and with the machine's busy and idle time, it says what bounds a
 * rate: a machine with no idle left is CPU-bound, and `ceiling` is the rate its whole CPU
 * would carry at these costs per request.
 */
export interface CpuSplit {
  /** CPU milliseconds per request, by process group. */
  perRequest: Record<string, number>;
  /** The machine's busy and idle milliseconds per request (all cores, from /proc/stat). */
  busyMs: number;
  idleMs: number;
  /** Requests per second all cores would carry at this busy time per request. */
  ceiling: number;
}

export const LOAD_GENERATOR = 'load generator';
const GROUPS: [RegExp, string][] = [
  [/^postgres/, 'PostgreSQL'],
  [/^pgbouncer$/, 'pgBouncer'],
  [/^redis-server$/, 'Redis'],
];
const TICKS = 100; // USER_HZ on Linux

interface Reading {
  /** CPU seconds so far, and the group, of each process. */
  byPid: Map<number, { group: string; seconds: number }>;
  busy: number;
  idle: number;
}

/**
 * `named`: the bench's own processes by pid (the apps, the raw baseline). `read()` takes a
 * reading; `since(reading, requests)` splits what was used since then.
 */
export function cpuCensus(named: [pid: number, group: string][]) {
  const names = new Map(named);
  const read = (): Reading => {
    const byPid = new Map<number, { group: string; seconds: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const pid = Number(entry);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
      const group =
        names.get(pid) ??
        (pid === process.pid
          ? LOAD_GENERATOR
          : (GROUPS.find(([re]) => re.test(comm))?.[1] ?? 'other'));
      byPid.set(pid, { group, seconds });
    }
    // cpu  user nice system idle iowait irq softirq steal
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync(
      '/proc/stat',
      'utf8',
    )
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return {
      byPid,
      busy: (user + nice + system + irq + softirq + steal) / TICKS,
      idle: (idle + iowait) / TICKS,
    };
  };
  return {
    read,
    since(before: Reading, requests: number): CpuSplit {
      const after = read();
      const n = Math.max(1, requests);
      const perRequest: Record<string, number> = {};
      // Per process: one started meanwhile counts whole, one that exited meanwhile drops out.
      for (const [pid, { group, seconds }] of after.byPid) {
        const used = seconds - (before.byPid.get(pid)?.seconds ?? 0);
        if (used > 0) perRequest[group] = (perRequest[group] ?? 0) + (used * 1000) / n;
      }
      const busyMs = ((after.busy - before.busy) * 1000) / n;
      return {
        perRequest,
        busyMs,
        idleMs: ((after.idle - before.idle) * 1000) / n,
        ceiling: (cpus().length * 1000) / busyMs,
      };
    },
  };
}
