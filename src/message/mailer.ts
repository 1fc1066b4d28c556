import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../config/config.js';

/** A rendered message, ready to leave. */
export interface OutgoingMail {
  to: string;
  toName: string | null;
  subject: string;
  text: string;
  html: string;
  /** Where the owner unsubscribes from this kind (List-Unsubscribe). */
  unsubscribeUrl: string | null;
}

export type Delivery =
  | { outcome: 'sent'; transport: 'smtp' | 'outbox' }
  /** The server refused it for good (5xx): not retried. */
  | { outcome: 'bounced'; error: string }
  /** Worth another try later (the server unreachable, 4xx). */
  | { outcome: 'retry'; error: string };

/**
 * The one door to mail (nodemailer over SMTP). Without SMTP_URL (embedded mode) nothing
 * leaves the machine: the rendered message kept on its row is the local outbox, which the
 * platform admin and the clinic manager open in the app.
 */
export class Mailer {
  private readonly transport: Transporter | null;

  constructor(private readonly config: MailConfig) {
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  }

  get mode(): 'smtp' | 'outbox' {
    return this.transport ? 'smtp' : 'outbox';
  }

  async deliver(mail: OutgoingMail): Promise<Delivery> {
    if (!this.transport) return { outcome: 'sent', transport: 'outbox' };
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: mail.toName ? { name: mail.toName, address: mail.to } : mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        list: mail.unsubscribeUrl ? { unsubscribe: mail.unsubscribeUrl } : undefined,
      });
      return { outcome: 'sent', transport: 'smtp' };
    } catch (err) {
      const { responseCode, message } = err as { responseCode?: number; message?: string };
      const error = String(message ?? err).slice(0, 1000);
      return responseCode !== undefined && responseCode >= 500
        ? { outcome: 'bounced', error }
        : { outcome: 'retry', error };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
