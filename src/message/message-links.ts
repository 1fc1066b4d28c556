import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/ids.js';
import type { AppConfig } from '../config/config.js';
import { isMessageKind, type MessageKind } from './message-kinds.js';

export interface OptOut {
  tenantId: string;
  clientId: string;
  kind: MessageKind;
}

/**
 * Links inside messages: absolute (PUBLIC_URL, else this host and port) and, for
 * unsubscribing, signed (HMAC over tenant, client and kind with a key derived from the
 * session secret), so a link opts out that one client from that one kind and nothing else.
 */
export class MessageLinks {
  private readonly key: Buffer;
  private readonly base: string;

  constructor(config: AppConfig, sessionSecret: string) {
    this.key = createHmac('sha256', sessionSecret).update('vetlane:unsubscribe').digest();
    this.base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  }

  absolute(path: string): string {
    return `${this.base}${path.startsWith('/') ? path : `/${path}`}`;
  }

  unsubscribeUrl(optOut: OptOut): string {
    const payload = `${optOut.tenantId}.${optOut.clientId}.${optOut.kind}`;
    return this.absolute(`/unsubscribe/${payload}.${this.sign(payload)}`);
  }

  /** The opt-out a token stands for, or null when it is malformed or its signature is wrong. */
  readUnsubscribeToken(token: string): OptOut | null {
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [tenantId, clientId, kind, signature] = parts;
    if (!isUuid(tenantId) || !isUuid(clientId) || !isMessageKind(kind)) return null;
    const expected = Buffer.from(this.sign(`${tenantId}.${clientId}.${kind}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { tenantId, clientId, kind };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
