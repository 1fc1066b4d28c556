import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseInput } from '../common/validation.js';
import { isLocale } from '../i18n/i18n.js';
import { AccessRevocations } from '../tenant/access-revocations.js';
import { RequestContexts } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { LoginThrottled } from './auth.errors.js';
import { AuthService } from './auth.service.js';

/** Which field failed is never shown (the page says only that sign-in failed). */
const SignInForm = z.object({
  email: z
    .string({ error: 'validation.required' })
    .trim()
    .min(3, { error: 'validation.required' })
    .max(254, { error: 'validation.tooLong' }),
  password: z
    .string({ error: 'validation.required' })
    .min(1, { error: 'validation.required' })
    .max(1024, { error: 'validation.tooLong' }),
  next: z.string({ error: 'validation.invalid' }).optional(),
});

/** Only same-site paths: `/c/x`, never `//evil.example` or `https://…`. */
function safeNext(next: unknown): string {
  // Only a one-valued local path: a repeated field (an array) would reach res.redirect.
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** A malformed sign-in says no more than a wrong password: which field failed is never told. */
function signInError(error: FormErrors): FormErrors {
  if (error.code !== 'validation_failed') return error;
  return { status: 401, code: 'login_failed', message: { key: 'errors.login_failed' }, fields: {} };
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err) : resolve())),
  );
}

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((err) => (err ? reject(err) : resolve())),
  );
}

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly revocations: AccessRevocations,
  ) {}

  @Get('login')
  showSignIn(@Req() req: Request, @Res() res: Response) {
    if (req.session.user) return res.redirect('/');
    res.render('staff/login', { next: safeNext(req.query.next as string | undefined) });
  }

  @Post('login')
  async signIn(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const next = safeNext((body as { next?: string })?.next);
    try {
      const form = parseInput(SignInForm, body);
      const user = await this.auth.signIn({
        email: form.email,
        password: form.password,
        ip: req.ip ?? 'unknown',
      });
      // A new session id at sign-in: a session fixed before login is worth nothing after it.
      await regenerate(req);
      req.session.user = user;
      await save(req);
      res.redirect(303, next);
    } catch (err) {
      const error = signInError(formErrors(err));
      if (err instanceof LoginThrottled)
        res.setHeader('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      res.status(error.status).render('staff/login', {
        next,
        email: (body as { email?: string })?.email ?? '',
        error,
      });
    }
  }

  @Post('logout')
  signOut(@Req() req: Request, @Res() res: Response) {
    const sessionId = req.sessionID;
    req.session.destroy(() => {
      this.revocations.publish({ sessionId });
      res.clearCookie('vetlane.sid');
      res.redirect(303, '/login');
    });
  }

  /** The user's own language choice, overriding the clinic's; empty clears it. */
  @Post('account/locale')
  async setLocale(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { locale?: string; next?: string },
  ) {
    const user = RequestContexts.current()?.user;
    if (!user) return res.redirect(303, '/login');
    const locale = isLocale(body?.locale) ? body.locale : null;
    await this.auth.setLocale(user.id, locale);
    req.session.user = { ...user, locale };
    res.redirect(303, safeNext(body?.next));
  }
}
