import { randomUUID } from 'node:crypto';
import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http';
import type { Request, Response } from 'express';
import hbs from 'hbs';
import type { Logger } from 'pino';
import type { CachedRead, ResponseCache } from '../cache/response-cache.js';
import type { AppMetrics } from '../metrics/metrics.js';
import { countedFor } from '../throttle/tenant-throttle.js';
import { RequestContexts, type TenantRef } from '../tenant/request-context.js';
import type { CalendarQuery } from '../appointment/calendar-reads.js';
import { type CachedPart, CSRF_SLOT, partRead } from './cached-page.js';
import { pageLocale } from './page-locale.js';
import { SESSION_COOKIE, SESSION_REFRESH_MS } from './session.js';

/** A cached clinic page the lane may serve: where it lives and how its cached part is named. */
export interface LaneRoute {
  name: string;
  /** Its route, as metrics name it. */
  route: string;
  /** Its path; the first group is the clinic's slug. */
  path: RegExp;
  /** A whole page (the layout around the cached body) or a fragment (the body alone). */
  kind: 'page' | 'fragment';
  part(query: CalendarQuery, timeZone: string, now: Date): CachedPart;
}

/**
 * What the long way learned about one session at one clinic page: who it is, what they may
 * see there, the layout around the page and the response's headers. Valid while the session
 * is stored exactly as it was then and the directory (clinics, memberships) has not changed.
 */
interface Door {
  sessionId: string;
  session: string;
  directoryGeneration: number;
  /** When the long way must run again to move the session's expiry on (src/web/session.ts). */
  refreshDue: number;
  tenant: TenantRef;
  userId: string;
  locale: string;
  /** The request headers the page was chosen by (JSON or HTML, language). */
  accept: string;
  acceptLanguage: string;
  csrfToken: Buffer;
  /** A page's layout split where the body goes, each side split where the path goes. */
  layout?: [Buffer[], Buffer[]];
  headers: OutgoingHttpHeaders;
}

/** What the long way hands the lane to remember (see FastLane.door). */
export interface LaneDoor {
  /** Whether this session has no door to the page yet (only then is a layout worth rendering). */
  wants(req: Request): boolean;
  /** Where the body and the path go in the layout handed to `remember`. */
  layoutSlots: { body: string; path: string };
  /** `read`: the part the long way served, which the lane reads to check the door. */
  remember(req: Request, res: Response, read: CachedRead, layout?: string): void;
}

/** Where the page's body and path go in a remembered layout. */
const LAYOUT_SLOTS = { body: 'vetlane-lane-body-9d41e7', path: 'vetlane-lane-path-9d41e7' };

/** Headers of one response only: never replayed. */
const OWN_HEADERS = new Set([
  'content-length',
  'etag',
  'x-request-id',
  'set-cookie',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);
const REQUEST_ID = /^[\w.:-]{1,100}$/;
/** Doors kept per process (a few kB each): the least recently used go first. */
const MAX_DOORS = 2000;
/** Query names a lane route reads: any other, or one given twice, goes the long way. */
const QUERY_NAMES = new Set(['date', 'view', 'by']);

/**
 * The fast lane: a signed-in session asking again for a clinic page whose body is in the
 * response cache is answered before Express, from one Redis round trip (the session as
 * stored, the directory's generation, the body at the clinic's current generation) and the
 * layout this process rendered for that session the last time it went the long way.
 *
 * Nothing is decided here that the long way did not decide first: a door is remembered only
 * after the long way answered 200 (session, CSRF token, clinic access, role, the request's
 * language) and only when the session it saw is the one stored. The lane serves through a
 * door only while the session is still stored byte for byte the same (signed out, switched
 * language, new flash: the long way), the directory's generation has not moved (a membership,
 * a role, the clinic itself changed: the long way), the body is cached at the clinic's
 * current generation (a write: the long way, which fills it), the cookie and the Accept and
 * Accept-Language headers are the same, and the clinic's request limit still admits it.
 * Anything else, including any error, goes the long way: the lane can only ever be faster.
 */
export class FastLane {
  private readonly routes: LaneRoute[] = [];
  private readonly doors = new Map<string, Door>();
  private throttle?: { consume(tenant: TenantRef): Promise<void> };
  private servedCount = 0;

  constructor(
    private readonly responses: ResponseCache,
    private readonly metrics: AppMetrics,
    private readonly log: Logger,
  ) {
    metrics.countLaneWith(() => this.servedCount);
  }

  /** The tenant throttle (built later, in its own module): the lane counts what it serves. */
  useThrottle(throttle: { consume(tenant: TenantRef): Promise<void> }): void {
    this.throttle = throttle;
  }

  register(route: LaneRoute): void {
    if (!this.routes.some((r) => r.name === route.name)) this.routes.push(route);
  }

  /** Pages served by the lane since the process started (metrics). */
  get served(): number {
    return this.servedCount;
  }

  /** How the long way remembers a door for `route`; nothing when the response cache is off. */
  door(route: LaneRoute): LaneDoor | undefined {
    if (!this.responses.enabled) return undefined;
    return {
      wants: (req) => {
        const cookie = sessionCookie(req.headers.cookie);
        const slug = route.path.exec(req.path)?.[1];
        return Boolean(cookie && slug && !this.doors.has(doorKey(cookie, route, slug)));
      },
      layoutSlots: LAYOUT_SLOTS,
      remember: (req, res, read, layout) => this.remember(route, req, res, read, layout),
    };
  }

  /** The server's request listener: the lane first, `app` (Express) when it cannot answer. */
  wrap(app: RequestListener): RequestListener {
    return (req, res) => {
      const found = this.routes.length ? this.find(req) : undefined;
      if (!found) return app(req, res);
      this.serve(req, res, found).then(
        (served) => served || app(req, res),
        () => app(req, res),
      );
    };
  }

  private find(req: IncomingMessage) {
    if (req.method !== 'GET') return undefined;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    for (const route of this.routes) {
      const slug = route.path.exec(path)?.[1];
      if (!slug) continue;
      const cookie = sessionCookie(req.headers.cookie);
      if (!cookie) return undefined;
      const key = doorKey(cookie, route, slug);
      const door = this.doors.get(key);
      if (!door) return undefined;
      if (
        door.refreshDue <= Date.now() ||
        door.accept !== (req.headers.accept ?? '') ||
        door.acceptLanguage !== (req.headers['accept-language'] ?? '')
      )
        return undefined;
      const query = laneQuery(q < 0 ? '' : url.slice(q + 1));
      if (!query) return undefined;
      return { route, key, door, query };
    }
    return undefined;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    { route, key, door, query }: NonNullable<ReturnType<FastLane['find']>>,
  ): Promise<boolean> {
    const started = performance.now();
    const part = route.part(query, door.tenant.timeZone, new Date());
    const throttle = this.throttle;
    if (!throttle) return false;
    // The page and the clinic's request count in one round trip (one pipelined write).
    const [page, admitted] = await Promise.all([
      this.responses.readPage(door.sessionId, partRead(part, door)),
      throttle.consume(door.tenant).then(
        () => true,
        () => false,
      ),
    ]);
    // Refused: the long way counts again and answers with its 429 page. Admitted but not
    // answered here: the long way does not count it again.
    if (!admitted) return false;
    countedFor(req, door.tenant.id);
    if (!page) return false;
    if (page.session !== door.session || page.directoryGeneration !== door.directoryGeneration) {
      this.doors.delete(key);
      return false;
    }
    if (!page.bytes) return false;
    if (res.destroyed) return true;
    // Bytes as stored, the session's CSRF token in each slot, the layout around them.
    const pieces = withToken(page.bytes, door.csrfToken);
    const html = Buffer.concat(
      door.layout ? inLayout(door.layout, pieces, req.url ?? '/') : pieces,
    );
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.writeHead(200, {
      ...door.headers,
      'content-length': html.length,
      'x-request-id': requestId,
    });
    res.end(html);
    this.servedCount++;
    // The door was used: it is kept over the least recently used.
    this.doors.delete(key);
    this.doors.set(key, door);
    const seconds = (performance.now() - started) / 1000;
    this.metrics.observeRequest('GET', route.route, 200, seconds);
    if (this.log.isLevelEnabled('info'))
      this.log.info(
        {
          req: { id: requestId, method: 'GET', url: req.url },
          res: { statusCode: 200 },
          responseTime: Math.round(seconds * 1000),
          tenant: door.tenant.slug,
          user: door.userId,
          lane: true,
        },
        'request completed',
      );
    return true;
  }

  /**
   * After the long way answered `route` with 200: once the response is out (and the session
   * saved), reads the session as stored and the directory's generation (with the part it
   * served, as the lane will read it); remembers the door
   * only if that session is the one the page was made for and the generation is the one its
   * access was decided at.
   */
  private remember(
    route: LaneRoute,
    req: Request,
    res: Response,
    read: CachedRead,
    layout?: string,
  ): void {
    const ctx = RequestContexts.current();
    const tenant = ctx?.tenant;
    const user = req.session?.user;
    const cookie = sessionCookie(req.headers.cookie);
    const generations = ctx?.directoryGenerations;
    const slug = route.path.exec(req.path)?.[1];
    if (!tenant || !user || !cookie || !slug || slug !== tenant.slug) return;
    if (!generations || generations.size !== 1) return;
    const [directoryGeneration] = generations;
    const seen = withoutCookie(JSON.stringify(req.session));
    const door: Omit<Door, 'session' | 'headers' | 'refreshDue'> = {
      sessionId: req.sessionID,
      directoryGeneration,
      tenant,
      userId: user.id,
      locale: pageLocale(res),
      accept: req.headers.accept ?? '',
      acceptLanguage: req.headers['accept-language'] ?? '',
      csrfToken: Buffer.from(String(res.locals.csrfToken ?? '')),
      layout: layout ? splitLayout(layout) : undefined,
    };
    if (!door.csrfToken.length) return;
    res.once('finish', () => {
      if (res.statusCode !== 200) return;
      const headers = replayable(res.getHeaders());
      this.responses
        .readPage(door.sessionId, read)
        .then((stored) => {
          if (!stored || stored.directoryGeneration !== directoryGeneration) return;
          if (withoutCookie(stored.session) !== seen) return;
          const refreshedAt = Number(JSON.parse(stored.session).refreshedAt ?? 0);
          const key = doorKey(cookie, route, slug);
          this.doors.delete(key);
          this.doors.set(key, {
            ...door,
            session: stored.session,
            refreshDue: refreshedAt + SESSION_REFRESH_MS,
            headers,
          });
          if (this.doors.size > MAX_DOORS) this.doors.delete(this.doors.keys().next().value!);
        })
        .catch(() => undefined);
    });
  }
}

function doorKey(cookie: string, route: LaneRoute, slug: string): string {
  return `${route.name}\n${slug}\n${cookie}`;
}

/** The session cookie's value as sent (signed; its signature was checked the long way). */
function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const at = header.indexOf(`${SESSION_COOKIE}=`);
  if (at < 0 || (at > 0 && header[at - 1] !== ' ' && header[at - 1] !== ';')) return undefined;
  const start = at + SESSION_COOKIE.length + 1;
  const end = header.indexOf(';', start);
  return header.slice(start, end < 0 ? undefined : end).trim() || undefined;
}

/** The lane's query: each of date, view and by at most once, nothing else. */
function laneQuery(search: string): CalendarQuery | undefined {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    if (!QUERY_NAMES.has(name) || name in query) return undefined;
    query[name] = value;
  }
  return query;
}

/** A stored session without its cookie (which the long way may rewrite without a change). */
function withoutCookie(json: string): string {
  const { cookie: _cookie, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(rest);
}

function replayable(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !OWN_HEADERS.has(name)));
}

const CSRF_BYTES = Buffer.from(CSRF_SLOT);

/** The part's bytes with `token` in each CSRF slot, as pieces to be joined. */
function withToken(bytes: Buffer, token: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(CSRF_BYTES); at >= 0; at = bytes.indexOf(CSRF_BYTES, from)) {
    pieces.push(bytes.subarray(from, at), token);
    from = at + CSRF_BYTES.length;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

function splitLayout(layout: string): [Buffer[], Buffer[]] {
  const [before, after = ''] = layout.split(LAYOUT_SLOTS.body);
  const bytes = (side: string) => side.split(LAYOUT_SLOTS.path).map((piece) => Buffer.from(piece));
  return [bytes(before), bytes(after)];
}

/** The layout's pieces around the body's, the request's path (escaped) where it goes. */
function inLayout([before, after]: [Buffer[], Buffer[]], body: Buffer[], url: string): Buffer[] {
  const path = Buffer.from(hbs.handlebars.escapeExpression(url));
  const around = (side: Buffer[]) => side.flatMap((piece, i) => (i ? [path, piece] : [piece]));
  return [...around(before), ...body, ...around(after)];
}
