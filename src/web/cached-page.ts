import type { Request, Response } from 'express';
import type { CachedRead, ResponseCache } from '../cache/response-cache.js';
import { currentTenant, RequestContexts, type TenantRef } from '../tenant/request-context.js';
import type { LaneDoor } from './fast-lane.js';
import { pageLocale } from './page-locale.js';

/** A clinic page part to cache: which view, what it depends on beyond clinic and language. */
export interface CachedPart {
  view: string;
  params: CachedRead['params'];
  /** The part shows something only some roles see. */
  byRole?: boolean;
  /** The part follows the user's own choices (the calendar's chosen columns). */
  byUser?: boolean;
}

/** Who reads a part: the clinic (and their role in it), the reader, the page's language. */
export interface PartReader {
  tenant: TenantRef;
  userId?: string;
  locale: string;
}

/** The read of `part` for `reader`: what the long way and the fast lane both name it by. */
export function partRead(part: CachedPart, reader: PartReader): CachedRead {
  return {
    scope: { tenantId: reader.tenant.id },
    view: part.view,
    role: part.byRole ? reader.tenant.role : null,
    userId: part.byUser ? reader.userId : undefined,
    locale: reader.locale,
    params: part.params,
  };
}

/** A read of the request's clinic, in the page's language. */
export function clinicRead(res: Response, part: CachedPart): CachedRead {
  return partRead(part, {
    tenant: currentTenant(),
    userId: RequestContexts.current()?.user?.id,
    // The same language the part is rendered in (the view helpers fall back to English too).
    locale: pageLocale(res),
  });
}

/**
 * Stands for the CSRF token in a cached part; each response puts its own session's token in
 * its place, so a cached body's forms post with the reader's token, never the first one's.
 */
export const CSRF_SLOT = 'vetlane-csrf-slot-5f0c2b';

function withToken(res: Response, html: string): string {
  return html.replaceAll(CSRF_SLOT, String(res.locals.csrfToken ?? ''));
}

/**
 * A template rendered to a string with no layout. Of the request's locals it sees only the
 * clinic and the locale (and a slot for the CSRF token), so what is cached cannot hold a
 * token or the user's name.
 */
export function renderToString(
  res: Response,
  template: string,
  locals: Record<string, unknown>,
): Promise<string> {
  const { clinic, locale } = res.locals;
  return new Promise((resolve, reject) =>
    res.app.render(
      template,
      { clinic, locale, csrfToken: CSRF_SLOT, ...locals, layout: false },
      (err, html) => (err ? reject(err) : resolve(html)),
    ),
  );
}

/**
 * Renders a clinic page whose body comes from the response cache. Only the body is cached:
 * the layout around it (the user's name, the switcher, the CSRF token of its forms) is
 * rendered for each request, so a cached body never carries a token or another user's name.
 */
export async function renderCachedPage(
  res: Response,
  responses: ResponseCache,
  page: {
    template: string;
    part: CachedPart;
    title?: string;
    /** The fast lane's door for this page (src/web/fast-lane.ts), when the cache is on. */
    lane?: LaneDoor;
    load: () => Promise<object>;
  },
): Promise<void> {
  const read = clinicRead(res, page.part);
  const body = await responses.readText(read, async () =>
    renderToString(res, page.template, { ...(await page.load()) }),
  );
  const req = res.req as Request;
  if (page.lane?.wants(req)) {
    const { body: cachedBody, path } = page.lane.layoutSlots;
    const layout = await layoutOnly(res, { title: page.title, cachedBody, path });
    page.lane.remember(req, res, read, layout);
  }
  res.render('cached-body', { title: page.title, cachedBody: withToken(res, body) });
}

/** The layout of a page rendered with the request's locals and `locals`, not sent. */
function layoutOnly(res: Response, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render('cached-body', locals, (err, html) => (err ? reject(err) : resolve(html))),
  );
}

/** Renders a fragment (no layout) from the response cache: the calendar's live grid. */
export async function sendCachedFragment(
  res: Response,
  responses: ResponseCache,
  fragment: { template: string; part: CachedPart; lane?: LaneDoor; load: () => Promise<object> },
): Promise<void> {
  const read = clinicRead(res, fragment.part);
  const html = await responses.readText(read, async () =>
    renderToString(res, fragment.template, { ...(await fragment.load()) }),
  );
  const req = res.req as Request;
  if (fragment.lane?.wants(req)) fragment.lane.remember(req, res, read);
  res.type('html').send(withToken(res, html));
}
