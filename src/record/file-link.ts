import { createHmac, timingSafeEqual } from 'node:crypto';

export type FileLinkVariant = 'view' | 'download';

export interface FileLinkClaims {
  tenantId: string;
  attachmentId: string;
  userId: string;
  variant: FileLinkVariant;
  /** Unix seconds after which the link no longer opens the file. */
  expires: number;
}

/**
 * App-signed file links: an HMAC over tenant, attachment, user, variant and expiry. Unlike
 * an S3 presigned URL, the app checks it (s3rver verifies no signatures), so its expiry is
 * provable, and the route that serves it still checks the session, tenant and role.
 */
export class FileLinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('vetlane:file-links:v1').digest();
  }

  sign(claims: FileLinkClaims): string {
    return createHmac('sha256', this.key).update(this.payload(claims)).digest('base64url');
  }

  /** 'ok', 'expired', or 'invalid' (tampered, or made for another user/tenant/file). */
  verify(
    claims: FileLinkClaims,
    signature: string,
    nowSeconds: number,
  ): 'ok' | 'expired' | 'invalid' {
    const expected = Buffer.from(this.sign(claims));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    return claims.expires < nowSeconds ? 'expired' : 'ok';
  }

  private payload(c: FileLinkClaims): string {
    return ['v1', c.tenantId, c.attachmentId, c.userId, c.variant, String(c.expires)].join('|');
  }
}
