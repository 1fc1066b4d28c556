import type { Locale, Translator } from '../i18n/i18n.js';
import type { AuditEvent } from './audit.queries.js';

/** One change of an audit entry as the log shows it: a label and both values, all readable. */
export interface AuditChange {
  label: string;
  before: string;
  after: string;
}

export interface AuditLine {
  /** "Ana García booked an appointment" in the reader's language. */
  sentence: string;
  /** What the entry is about (a pet's name, a room, a time zone), when the reader may see it. */
  subject: string | null;
  changes: AuditChange[];
}

interface Reader {
  translator: Translator;
  locale: Locale;
  timeZone: string;
  /** Before / after values are for managers; a company admin reads who did what, when. */
  details: boolean;
}

/** Keys that name rows rather than say anything to a reader (ids, versions, bookkeeping). */
const HIDDEN =
  /(^id$|Id$|Ids$|^version$|^tenantId$|^createdAt$|^updatedAt$|^labels$|^objectKey$|^thumbnailKey$)/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Values that are codes, read through a catalog section. */
const CODED: Record<string, string> = {
  status: 'status',
  role: 'roles',
  kind: 'staffKinds',
  species: 'species',
  sex: 'sex',
};

/**
 * The audit log's entry as a sentence with local times and labelled changes, never raw codes
 * or JSON: each action has a sentence in `auditLog.event.<entity>.<verb>`, each field a label
 * in `auditLog.field.<key>` (a field without one is left out rather than shown as a code).
 */
export function describeAuditEvent(event: AuditEvent, reader: Reader): AuditLine {
  const { translator, locale } = reader;
  const t = (key: string, params?: Record<string, unknown>) => translator.t(locale, key, params);
  const who = event.actorName ?? t('auditLog.system');
  const key = `auditLog.event.${event.action}`;
  const sentence = translator.has(locale, key)
    ? t(key, { who })
    : t('auditLog.event.other', { who, entity: entityName(event.entity, reader) });
  if (!reader.details) return { sentence, subject: null, changes: [] };
  return { sentence, subject: subjectOf(event, reader), changes: changesOf(event, reader) };
}

function entityName(entity: string, { translator, locale }: Reader): string {
  const key = `auditLog.entity.${entity}`;
  return translator.has(locale, key)
    ? translator.t(locale, key)
    : translator.t(locale, 'auditLog.entity.other');
}

/** A short name for what the entry is about, from the fields every kind of entry carries. */
function subjectOf(event: AuditEvent, reader: Reader): string | null {
  const v = { ...(event.before ?? {}), ...(event.after ?? {}) } as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : null);
  const person = [text(v.firstName), text(v.lastName)].filter(Boolean).join(' ');
  const when =
    typeof v.startsAt === 'string' && ISO_INSTANT.test(v.startsAt)
      ? formatValue('startsAt', v.startsAt, reader)
      : null;
  const parts = [
    text(v.petName) ?? text(v.name) ?? (person || null) ?? text(v.product) ?? text(v.email),
    text(v.typeName),
    text(v.staffName),
    when,
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' · ') : null;
}

function changesOf(event: AuditEvent, reader: Reader): AuditChange[] {
  const before = (event.before ?? {}) as Record<string, unknown>;
  const after = (event.after ?? {}) as Record<string, unknown>;
  const both = event.before !== null && event.after !== null;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changes: AuditChange[] = [];
  for (const key of keys) {
    if (HIDDEN.test(key)) continue;
    const label = `auditLog.field.${key}`;
    if (!reader.translator.has(reader.locale, label)) continue;
    if (both && JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const was = formatValue(key, before[key], reader);
    const now = formatValue(key, after[key], reader);
    if (!was && !now) continue;
    changes.push({ label: reader.translator.t(reader.locale, label), before: was, after: now });
  }
  return changes;
}

/** A value in the reader's language and the clinic's time zone ('' when there is nothing to say). */
export function formatValue(key: string, value: unknown, reader: Reader): string {
  const { translator, locale, timeZone } = reader;
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'boolean') return translator.t(locale, value ? 'common.yes' : 'common.no');
  if (typeof value === 'number') return translator.formatNumber(locale, value);
  if (Array.isArray(value)) {
    // Lists of record fields name them; other lists (staff, hours, charges) are counted.
    const named = (v: unknown) =>
      typeof v === 'string' && translator.has(locale, `auditLog.field.${v}`);
    const fields = value.filter((v) => !(typeof v === 'string' && HIDDEN.test(v)));
    return fields.length && fields.every(named)
      ? fields.map((v) => translator.t(locale, `auditLog.field.${v as string}`)).join(', ')
      : translator.t(locale, 'auditLog.items', { count: value.length });
  }
  if (typeof value !== 'string') return '';
  if (ISO_INSTANT.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return translator.formatDateTime(locale, date, timeZone);
  }
  if (ISO_DATE.test(value))
    return translator.formatDate(locale, new Date(`${value}T12:00:00Z`), 'UTC');
  const section = CODED[key];
  if (section && translator.has(locale, `${section}.${value}`))
    return translator.t(locale, `${section}.${value}`);
  return value;
}
