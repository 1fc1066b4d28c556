import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One HTTP request of a benchmark; `body` is a form or JSON already encoded. */
export interface BenchRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Statuses that are the right answer (default 200). */
  ok?: number[];
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Answers with a status in `expected` that the caller counts apart (intended conflicts). */
  expected: number;
  seconds: number;
  /** Answers per second, errors included. */
  rps: number;
  /** Right answers (and intended conflicts) per second: what the report compares. */
  goodRps: number;
  mean: number;
  p50: number;
  p99: number;
  /** A sample of what went wrong (status or error), for the report. */
  firstErrors: string[];
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A keep-alive client for one base URL. */
export function client(baseUrl: string, sockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const send = (req: BenchRequest): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: req.path,
          method: req.method ?? 'GET',
          agent,
          headers: { accept: 'text/html', ...req.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      if (req.body) r.end(req.body);
      else r.end();
    });
  return { send, close: () => agent.destroy() };
}

/**
 * What several closed loops of one measurement saw, added up: a measurement taken in slices
 * that alternate with another's (the bench's raw baseline and the app), so both see the same
 * machine even when its speed drifts during the run.
 */
export class Tally {
  readonly latencies: number[] = [];
  readonly errors: string[] = [];
  expected = 0;
  ms = 0;

  result(): LoadResult {
    return summary(this.latencies, this.errors, this.expected, this.ms);
  }
}

function summary(latencies: number[], errors: string[], expected: number, ms: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const requests = latencies.length;
  return {
    requests,
    errors: errors.length,
    expected,
    seconds: ms / 1000,
    rps: requests / (ms / 1000),
    goodRps: (requests - errors.length) / (ms / 1000),
    mean: requests ? latencies.reduce((a, b) => a + b, 0) / requests : 0,
    p50: at(0.5),
    p99: at(0.99),
    firstErrors: [...new Set(errors)].slice(0, 5),
  };
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the last answered,
 * for `seconds`. `next(worker, i)` builds request i of a worker (it may read earlier answers).
 */
export async function closedLoop(opts: {
  send: (req: BenchRequest) => Promise<HttpAnswer>;
  concurrency: number;
  seconds: number;
  next: (worker: number, i: number) => BenchRequest | Promise<BenchRequest>;
  expected?: number[];
  onAnswer?: (worker: number, req: BenchRequest, answer: HttpAnswer) => void;
  /** Also adds what this loop saw to a measurement taken in slices. */
  tally?: Tally;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let expected = 0;
  const start = performance.now();
  const until = start + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const req = await opts.next(worker, i);
        const t0 = performance.now();
        try {
          const answer = await opts.send(req);
          latencies.push(performance.now() - t0);
          if (opts.expected?.includes(answer.status)) expected++;
          else if (!(req.ok ?? [200]).includes(answer.status))
            errors.push(
              `${req.method ?? 'GET'} ${req.path.replace(/[0-9a-f-]{36}/g, ':id').replace(/\?.*/, '')} → ${answer.status} ${answer.body.slice(0, 80)}`,
            );
          else opts.onAnswer?.(worker, req, answer);
        } catch (err) {
          latencies.push(performance.now() - t0);
          errors.push(String((err as Error).message ?? err));
        }
      }
    }),
  );
  const ms = performance.now() - start;
  if (opts.tally) {
    opts.tally.latencies.push(...latencies);
    opts.tally.errors.push(...errors);
    opts.tally.expected += expected;
    opts.tally.ms += ms;
  }
  return summary(latencies, errors, expected, ms);
}

/** Open loop: requests start at `rate` per second whatever the answers, for `seconds`. */
export async function openLoop(opts: {
  send: (req: BenchRequest) => Promise<HttpAnswer>;
  rate: number;
  seconds: number;
  next: (i: number) => BenchRequest;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const start = performance.now();
  const total = Math.round(opts.rate * opts.seconds);
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = opts.next(i);
    // Latency counts from when the request was due, so a slow client cannot hide queueing.
    inFlight.push(
      opts.send(req).then(
        (answer) => {
          latencies.push(performance.now() - due);
          if (!(req.ok ?? [200]).includes(answer.status))
            errors.push(`${req.path} → ${answer.status}`);
        },
        (err: Error) => {
          latencies.push(performance.now() - due);
          errors.push(err.message);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return summary(latencies, errors, 0, performance.now() - start);
}
