import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

const COOKIE = 'vetlane.csrf';
const NONCE = /^[\w-]{22,64}$/;

/**
 * CSRF for visitors who are not signed in (the sign-in form) without a stored session: a
 * signed double submit. A random nonce lives in an HttpOnly cookie, the form carries its
 * HMAC under a key derived from the session secret, and a POST must bring both. Another site
 * can neither read the cookie nor forge the HMAC, and nothing is written to Redis until
 * sign-in (then the session's synchronizer token, csrf-sync, takes over).
 */
export class AnonymousCsrf {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly secureCookie: boolean,
  ) {
    this.key = createHmac('sha256', secret).update('vetlane anonymous csrf').digest();
  }

  /** The token for this visitor's forms; the first page they see sets the nonce cookie. */
  tokenFor(req: Request, res: Response): string {
    let nonce = this.nonceOf(req);
    if (!nonce) {
      nonce = randomBytes(24).toString('base64url');
      res.cookie(COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: this.secureCookie });
    }
    return this.sign(nonce);
  }

  /** Whether the submitted token is the HMAC of the visitor's own nonce. */
  verify(req: Request, token: string | undefined): boolean {
    const nonce = this.nonceOf(req);
    if (!nonce || typeof token !== 'string') return false;
    const expected = Buffer.from(this.sign(nonce));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private nonceOf(req: Request): string | undefined {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
    return typeof value === 'string' && NONCE.test(value) ? value : undefined;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.key).update(nonce).digest('base64url');
  }
}
