import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, ValidationFailed } from '../common/app-error.js';
import { classifyDependencyError, RETRY_AFTER_SECONDS } from '../common/dependency-errors.js';
import type { Locale, Translator } from '../i18n/i18n.js';
import { LoginRequired } from '../staff/auth.errors.js';
import { CATALOG_KEY } from './form-errors.js';
import { pageLocale } from './page-locale.js';

interface ErrorBody {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  details?: Record<string, unknown>;
}

function describe(exception: unknown): ErrorBody {
  if (exception instanceof ValidationFailed) {
    return {
      status: 400,
      code: exception.code,
      message: exception.message,
      fields: exception.fields,
    };
  }
  if (exception instanceof AppError) {
    const { status, code, message, field, details } = exception;
    return {
      status,
      code,
      message,
      ...(field ? { fields: { [field]: message } } : {}),
      ...(details ? { details } : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code =
      status === 404
        ? 'not_found'
        : status === 403
          ? 'forbidden'
          : status === 413
            ? 'payload_too_large'
            : status < 500
              ? 'bad_request'
              : 'internal_error';
    return { status, code, message: status >= 500 ? 'Something went wrong' : exception.message };
  }
  const unavailable = classifyDependencyError(exception);
  if (unavailable) return describe(unavailable);
  return { status: 500, code: 'internal_error', message: 'Something went wrong' };
}

/** Outages with a page of their own, saying what is away (errorPage.<code>). */
const UNAVAILABLE = new Set([
  'database_unavailable',
  'cache_unavailable',
  'storage_unavailable',
  'overloaded',
]);

const HEALTH_PATHS = new Set(['/health', '/ready']);

export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || (!req.accepts('html') && Boolean(req.accepts('json')));
}

/**
 * The one place errors become responses: the friendly error page for people,
 * `{ error: { code, message } }` with the right status for the API. Unexpected errors
 * are logged with the request; their details never reach the user.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly log: Logger,
    private readonly translator?: Translator,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    respondWithError(this.log, this.translator, exception, req, res);
  }
}

/** Errors raised in the Express pipeline before Nest's routes (the session store, the header's menus). */
export function pipelineErrorHandler(log: Logger, translator?: Translator) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    respondWithError(log, translator, err, req, res);
  };
}

/**
 * The JSON error in the request's language (the user's, the clinic's, else Accept-Language):
 * `errors.<code>` for the message and the catalog key of each field. Codes never change.
 */
function translated(
  translator: Translator | undefined,
  body: ErrorBody,
  exception: unknown,
  locale: Locale,
): ErrorBody {
  if (!translator) return body;
  const params = exception instanceof AppError ? exception.params : {};
  const key = `errors.${body.code}`;
  const message = translator.has(locale, key)
    ? translator.t(locale, key, translator.errorParams(locale, params))
    : body.message;
  const fields = body.fields
    ? Object.fromEntries(
        Object.entries(body.fields).map(([field, text]) => [
          field,
          CATALOG_KEY.test(text) && translator.has(locale, text)
            ? translator.t(locale, text)
            : text === body.message
              ? message
              : // A library's own wording (zod's "Invalid input") never reaches a Spanish page.
                exception instanceof ValidationFailed
                ? translator.t(locale, 'validation.invalid')
                : text,
        ]),
      )
    : undefined;
  return { ...body, message, ...(fields ? { fields } : {}) };
}

function respondWithError(
  log: Logger,
  translator: Translator | undefined,
  exception: unknown,
  req: Request,
  res: Response,
) {
  const body = describe(exception);
  if (body.status === 503)
    log.warn(
      { err: exception, reqId: req.id, path: req.path, code: body.code },
      'dependency unavailable',
    );
  else if (body.status >= 500)
    log.error({ err: exception, reqId: req.id, path: req.path }, 'unhandled error');
  if (res.headersSent) return;
  // Throttling and outages say when to come back, pages and API alike.
  const retryAfter = (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (exception instanceof AppError && typeof retryAfter === 'number') {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  } else if (body.status === 503) {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  }
  // Readiness keeps terminus' body ({ status, info, error, details }) for probes and people alike.
  if (HEALTH_PATHS.has(req.path) && exception instanceof HttpException) {
    res.status(exception.getStatus()).json(exception.getResponse());
    return;
  }
  if (wantsJson(req)) {
    const locale = pageLocale(res);
    const { status, ...error } = translated(translator, body, exception, locale);
    res.status(status).json({ error });
    return;
  }
  if (exception instanceof LoginRequired) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  renderErrorPage(res, body.status, body.code);
}

export function renderErrorPage(res: Response, status: number, code: string) {
  const kind =
    status === 404
      ? 'not_found'
      : status === 403
        ? 'forbidden'
        : status === 429
          ? 'throttled'
          : status === 503 && UNAVAILABLE.has(code)
            ? code
            : status >= 500
              ? 'server'
              : 'bad_request';
  res
    .status(status)
    .render('errors/error', { status, code, kind, layout: 'layouts/main' }, (err, html) => {
      // A broken template must not hide the original error behind a second one.
      if (err) res.status(status).type('text/plain').send(`${status} ${code}`);
      else res.send(html);
    });
}
