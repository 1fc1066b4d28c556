import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Overloaded } from '../common/dependency-errors.js';
import { chooseLocale, LOCALES, type Locale, type Translator } from '../i18n/i18n.js';

export interface GateLimits {
  /** Requests worked on at once (each may hold a pooled connection). */
  maxInFlight: number;
  /** Requests that may wait for a place; more are refused at once. */
  maxQueued: number;
  /** How long a request may wait for a place before it is refused. */
  queueWaitMs: number;
  /** Event-loop delay (p99 over the last 200 ms) above which nobody is queued: refused at once. */
  maxLagMs: number;
}

/**
 * Never queued: readiness (its own connection budget), metrics (wanted most when busy; a
 * token and no database) and assets (cost nothing).
 */
const UNGATED = /^\/(ready|metrics)$|^\/assets\//;

/** Liveness: answered by the front door itself, before Express, a session or a log line. */
const HEALTH = Buffer.from(JSON.stringify({ status: 'ok', info: {}, error: {}, details: {} }));

const REFUSAL = new Overloaded();
const REFUSAL_JSON = Buffer.from(
  JSON.stringify({ error: { code: REFUSAL.code, message: REFUSAL.message } }),
);

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

/**
 * Admission control in front of the pool, and the count of requests a shutdown waits for.
 * A request beyond `maxInFlight` waits in a short queue; when the queue is full, or the wait
 * is over, it gets a fast 503 with Retry-After instead of a slow answer (or none) for
 * everyone. Once draining, answers ask the client to close its connection.
 */
export class RequestGate {
  private working = 0;
  private refusedCount = 0;
  private tracked = 0;
  private readonly queue: Waiter[] = [];
  private drainingSince: number | null = null;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly drainListeners: (() => void)[] = [];

  private lagging = false;
  private readonly lagTimer: NodeJS.Timeout;
  private refusals?: Record<Locale, Buffer>;

  constructor(private readonly limits: GateLimits) {
    // A process short of CPU answers everything late; queueing more only makes it later.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    this.lagTimer = setInterval(() => {
      this.lagging = delay.percentile(99) / 1e6 > limits.maxLagMs;
      delay.reset();
    }, 200);
    this.lagTimer.unref();
  }

  /** The refusal page, rendered once per language: refusing must cost next to nothing. */
  useTranslator(translator: Translator) {
    this.refusals = Object.fromEntries(
      LOCALES.map((locale) => {
        const t = (key: string) => translator.t(locale, `errorPage.overloaded.${key}`);
        const html = `<!doctype html><html lang="${locale}"><meta charset="utf-8"><title>${t('title')}</title><section data-code="overloaded"><h1>${t('title')}</h1><p>${t('body')}</p></section></html>`;
        return [locale, Buffer.from(html)];
      }),
    ) as Record<Locale, Buffer>;
  }

  /** Requests refused for overload since the process started (metrics). */
  get refused(): number {
    return this.refusedCount;
  }

  get inFlight(): number {
    return this.tracked;
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  /** Whether requests are waiting for a place: the pool is busy, not down (/ready's "degraded"). */
  get busy(): boolean {
    return this.queue.length > 0 || this.working >= this.limits.maxInFlight;
  }

  /**
   * The HTTP server's request listener, in front of `app` (Express): /health and refusals
   * are answered here from ready-made bytes, so that under overload they cost no routing,
   * parsing, session, error object or log line, and admitted work is not slowed by them.
   */
  front(app: RequestListener): RequestListener {
    return (req, res) => {
      this.track(res);
      if (this.draining) res.setHeader('Connection', 'close');
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const path = query < 0 ? url : url.slice(0, query);
      if (path === '/health' && req.method === 'GET') return send(res, 200, 'json', HEALTH);
      if (UNGATED.test(path)) return app(req, res);
      if (this.working < this.limits.maxInFlight) return this.admit(req, res, app);
      if (this.lagging || this.queue.length >= this.limits.maxQueued)
        return this.refuse(req, res, path);
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          this.admit(req, res, app);
        },
        timer: setTimeout(() => {
          this.unqueue(waiter);
          this.refuse(req, res, path);
        }, this.limits.queueWaitMs),
      };
      this.queue.push(waiter);
      // A client that gives up while queued frees its place in the queue.
      res.once('close', () => {
        if (this.unqueue(waiter)) clearTimeout(waiter.timer);
      });
    };
  }

  /** Called once when draining starts (the Socket.IO adapter tells its sockets to reconnect). */
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  /**
   * Stops taking new work gracefully: resolves true when every request in flight has been
   * answered, false when `graceMs` ran out first.
   */
  async drain(graceMs: number): Promise<boolean> {
    if (!this.draining) {
      this.drainingSince = Date.now();
      for (const listener of this.drainListeners) listener();
    }
    if (this.tracked === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    return finished;
  }

  private refuse(req: IncomingMessage, res: ServerResponse, path: string) {
    if (res.headersSent || res.destroyed) return;
    this.refusedCount++;
    const accept = req.headers.accept;
    const html = !accept || /html|\*\/\*/.test(accept);
    if (path.startsWith('/api/') || !this.refusals || !html)
      return send(res, 503, 'json', REFUSAL_JSON);
    const locale = chooseLocale({ acceptLanguage: req.headers['accept-language'] });
    send(res, 503, 'html', this.refusals[locale]);
  }

  private admit(req: IncomingMessage, res: ServerResponse, app: RequestListener) {
    this.working++;
    res.once('close', () => {
      this.working--;
      this.queue.shift()?.admit();
    });
    app(req, res);
  }

  private track(res: ServerResponse) {
    this.tracked++;
    res.once('close', () => {
      this.tracked--;
      if (this.tracked === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private unqueue(waiter: Waiter): boolean {
    const at = this.queue.indexOf(waiter);
    if (at >= 0) this.queue.splice(at, 1);
    return at >= 0;
  }
}

const TYPES = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8' };

/** A ready-made answer: no ETag, no Express, one write. */
function send(res: ServerResponse, status: number, type: keyof typeof TYPES, body: Buffer) {
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[type],
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (status === 503) headers['Retry-After'] = REFUSAL.retryAfterSeconds;
  res.writeHead(status, headers).end(body);
}
