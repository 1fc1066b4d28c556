/** Every kind of message a clinic sends its clients (the migration's check lists the same). */
export const MESSAGE_KINDS = [
  'booking_confirmation',
  'booking_change',
  'booking_cancellation',
  'appointment_reminder',
  'vaccination_recall',
  'vaccination_recall_second',
  'booking_verification',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * The kind an owner unsubscribes from when a message of `kind` carries the link: both
 * recalls are one subscription; a verification link answers the owner's own request and
 * carries none.
 */
export function optOutKindOf(kind: MessageKind): MessageKind | null {
  if (kind === 'booking_verification') return null;
  return kind === 'vaccination_recall_second' ? 'vaccination_recall' : kind;
}

export function isMessageKind(value: unknown): value is MessageKind {
  return typeof value === 'string' && (MESSAGE_KINDS as readonly string[]).includes(value);
}

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'bounced' | 'skipped';
