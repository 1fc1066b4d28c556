import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import hbs from 'hbs';
import { VIEWS_DIR } from '../common/paths.js';
import type { Locale, Translator } from '../i18n/i18n.js';
import type { MessageKind } from './message-kinds.js';

/** What one message says, already in the clinic's words and the owner's language. */
export interface MessageContent {
  kind: MessageKind;
  locale: Locale;
  clinic: { name: string; address: string | null; phone: string | null };
  recipientName: string | null;
  /** Interpolated into the kind's subject and lines (pet, date, time, staff, product, due…). */
  params: Record<string, string>;
  /** A button (the verification link). */
  actionUrl?: string | null;
  unsubscribeUrl: string | null;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const template = hbs.handlebars.compile(
  readFileSync(join(VIEWS_DIR, 'message', 'email.hbs'), 'utf8'),
);

/**
 * Builds a message: the clinic-branded HTML layout (views/message/email.hbs) around the
 * kind's subject and lines from the catalogs (message.<kind>.*), and the same words as the
 * plain-text part. Handlebars escapes every value in the HTML.
 */
export class MessageRenderer {
  constructor(private readonly i18n: Translator) {}

  render(content: MessageContent): RenderedMessage {
    const { kind, locale, clinic } = content;
    const t = (key: string, extra: Record<string, string> = {}) =>
      this.i18n.t(locale, key, {
        clinic: clinic.name,
        phone: clinic.phone ?? this.i18n.t(locale, 'message.noPhone'),
        ...content.params,
        ...extra,
      });
    const subject = t(`message.${kind}.subject`);
    const greeting = content.recipientName
      ? t('message.greeting', { name: content.recipientName })
      : t('message.greetingNoName');
    const lines = [t(`message.${kind}.line1`), t(`message.${kind}.line2`)];
    const signature = t('message.signature');
    const action = content.actionUrl
      ? { url: content.actionUrl, label: t(`message.${kind}.action`) }
      : null;
    const unsubscribe = content.unsubscribeUrl
      ? { url: content.unsubscribeUrl, label: t('message.unsubscribe') }
      : null;
    const html = template({
      locale,
      subject,
      clinic,
      greeting,
      lines,
      action,
      signature,
      unsubscribe,
    });
    const text = [
      greeting,
      '',
      ...lines.flatMap((line) => [line, '']),
      ...(action ? [`${action.label}: ${action.url}`, ''] : []),
      signature,
      '',
      '--',
      [clinic.name, clinic.address, clinic.phone].filter(Boolean).join(' · '),
      ...(unsubscribe ? [t('message.unsubscribeText', { url: unsubscribe.url })] : []),
    ].join('\n');
    return { subject, text, html };
  }
}
