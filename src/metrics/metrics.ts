import type { Request, RequestHandler } from 'express';
import type { Pool } from 'pg';
import client from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ResponseCache } from '../cache/response-cache.js';
import type { RequestGate } from '../web/request-gate.js';

/** The pg pool under TypeORM's Postgres driver. */
function poolOf(dataSource: DataSource): Pick<Pool, 'totalCount' | 'idleCount' | 'waitingCount'> {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  return pool ?? { totalCount: 0, idleCount: 0, waitingCount: 0 };
}

/** The route a request matched (`/c/:clinicSlug/calendar`), never its raw path (unbounded labels). */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/**
 * Prometheus metrics of one app process (served by MetricsController behind a token):
 * request durations per route, response cache hits and misses, the database pool, open
 * Socket.IO sockets, and Node's own (event-loop lag, heap, CPU).
 */
export class AppMetrics {
  readonly registry = new client.Registry();
  private readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  private openSockets: () => number = () => 0;
  private laneServed: () => number = () => 0;

  constructor(deps: { dataSource: DataSource; responses: ResponseCache; gate: RequestGate }) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new client.Histogram({
      name: 'vetlane_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const cacheCount = (name: 'hits' | 'misses') =>
      new client.Counter({
        name: `vetlane_response_cache_${name}_total`,
        help: `Response cache ${name} since the process started`,
        registers,
        collect() {
          this.reset();
          this.inc(deps.responses.stats[name]);
        },
      });
    cacheCount('hits');
    cacheCount('misses');
    new client.Gauge({
      name: 'vetlane_db_pool_connections',
      help: 'Database connections of this process, in use or idle',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = poolOf(deps.dataSource);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
      },
    });
    new client.Gauge({
      name: 'vetlane_db_pool_waiting',
      help: 'Queries waiting for a database connection',
      registers,
      collect() {
        this.set(poolOf(deps.dataSource).waitingCount);
      },
    });
    // Refusals are answered before Express (src/web/request-gate.ts): counted there, not timed.
    new client.Counter({
      name: 'vetlane_overload_refusals_total',
      help: 'Requests refused with 503 overloaded (admission control) since the process started',
      registers,
      collect() {
        this.reset();
        this.inc(deps.gate.refused);
      },
    });
    const laneServed = () => this.laneServed();
    new client.Counter({
      name: 'vetlane_fast_lane_pages_total',
      help: 'Pages answered by the fast lane (from the response cache, before Express)',
      registers,
      collect() {
        this.reset();
        this.inc(laneServed());
      },
    });
    const sockets = () => this.openSockets();
    new client.Gauge({
      name: 'vetlane_socketio_open_sockets',
      help: 'Socket.IO connections open on this process',
      registers,
      collect() {
        this.set(sockets());
      },
    });
  }

  /** Times every request; the route label is known once it has been handled. */
  requestTimer(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () =>
        end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }),
      );
      next();
    };
  }

  /** A request answered before Express (the fast lane), timed like the others. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** The fast lane says how to count what it served. */
  countLaneWith(count: () => number): void {
    this.laneServed = count;
  }

  /** The live gateway says how to count its sockets. */
  countSocketsWith(count: () => number): void {
    this.openSockets = count;
  }
}
