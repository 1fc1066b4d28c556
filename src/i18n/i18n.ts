import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n as I18nInstance } from 'i18next';
import { toDecimalString } from '../common/money.js';
import { LOCALES_DIR } from '../common/paths.js';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Each module's catalog may add to shared sections such as `errors`. */
function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>) {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (value && typeof value === 'object' && existing && typeof existing === 'object') {
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

/** Loads every catalog under src/i18n/locales/<locale>/*.json; each file is a namespace-free part. */
function loadResources(): Record<string, { translation: Record<string, unknown> }> {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const locale of LOCALES) {
    const dir = join(LOCALES_DIR, locale);
    const translation: Record<string, unknown> = {};
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      deepMerge(translation, JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
    resources[locale] = { translation };
  }
  return resources;
}

/** Bounds the message caches (the catalogs' keys, in every locale, fit well within it). */
const MAX_CACHED_MESSAGES = 20_000;

/** Parameters that are i18next options rather than placeholders' values. */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'defaultValue',
  'lng',
  'lngs',
  'ns',
  'returnObjects',
  'joinArrays',
  'replace',
  'interpolation',
  'postProcess',
  'keySeparator',
  'nsSeparator',
]);

/** `a {{x}} b` → ['a ', 'x', ' b']; null when a placeholder is more than a plain name. */
function splitPlaceholders(message: string): string[] | null {
  const parts = message.split(/\{\{(.*?)\}\}/);
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i].trim();
    if (!/^[A-Za-z_]\w*$/.test(name)) return null;
    parts[i] = name;
  }
  return parts;
}

/** The template with its placeholders filled; null when a value is missing or not text. */
function fill(template: string[], params: Record<string, unknown>): string | null {
  let out = template[0];
  for (let i = 1; i < template.length; i += 2) {
    const value = params[template[i]];
    if (typeof value === 'string') out += value;
    else if (typeof value === 'number') out += String(value);
    else return null;
    out += template[i + 1];
  }
  return out;
}

/** Message catalogs plus locale-aware formatting of dates, times and numbers. */
export class Translator {
  private readonly i18n: I18nInstance;

  constructor() {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      resources: loadResources(),
      lng: 'en',
      fallbackLng: 'en',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

  /**
   * A message in the locale. Pages ask for hundreds (one per calendar cell), so the common
   * cases skip i18next: a message without parameters is looked up once, and one whose only
   * placeholders are `{{name}}` filled with text or numbers is split once and filled here.
   * Plurals (`count`), other options and anything unusual go through i18next.
   */
  t(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
    const names = Object.keys(params);
    if (names.length === 0) {
      const cacheKey = `${locale}\u0000${key}`;
      let message = this.plainMessages.get(cacheKey);
      if (message === undefined) {
        message = this.i18n.t(key, { lng: locale });
        if (this.plainMessages.size < MAX_CACHED_MESSAGES)
          this.plainMessages.set(cacheKey, message);
      }
      return message;
    }
    const template = names.some((n) => I18NEXT_OPTIONS.has(n)) ? null : this.template(locale, key);
    const filled = template && fill(template, params);
    return filled ?? this.i18n.t(key, { lng: locale, ...params });
  }

  private readonly plainMessages = new Map<string, string>();
  private readonly templates = new Map<string, string[] | null>();

  /** The message split at its `{{name}}` placeholders (odd items are names); null: not that simple. */
  private template(locale: Locale, key: string): string[] | null {
    const cacheKey = `${locale}\u0000${key}`;
    let template = this.templates.get(cacheKey);
    if (template !== undefined) return template;
    const raw: unknown = key.includes(':')
      ? null
      : (this.i18n.getResource(locale, 'translation', key) ??
        this.i18n.getResource('en', 'translation', key));
    template = typeof raw === 'string' && !raw.includes('$t(') ? splitPlaceholders(raw) : null;
    if (this.templates.size < MAX_CACHED_MESSAGES) this.templates.set(cacheKey, template);
    return template;
  }

  has(locale: Locale, key: string): boolean {
    return this.i18n.exists(key, { lng: locale, fallbackLng: false });
  }

  formatDate(
    locale: Locale,
    date: Date,
    timeZone: string,
    style: 'short' | 'medium' | 'long' | 'full' = 'medium',
  ) {
    return this.dateFormat(locale, timeZone, `date-${style}`, { dateStyle: style }).format(date);
  }

  /** A calendar date (YYYY-MM-DD, already the clinic's local date) in the locale, no zone shift. */
  formatCalendarDate(
    locale: Locale,
    isoDate: string,
    style: 'short' | 'medium' | 'long' | 'full' = 'medium',
  ) {
    return this.formatDate(locale, new Date(`${isoDate}T12:00:00Z`), 'UTC', style);
  }

  formatTime(locale: Locale, date: Date, timeZone: string) {
    return this.dateFormat(locale, timeZone, 'time', { timeStyle: 'short' }).format(date);
  }

  /**
   * A wall-clock time of day (minutes since midnight, already on the clinic's clock) as
   * formatTime shows it: "1:15 PM" in English, "13:15" in Spanish. Grids ask for the same
   * few dozen times on every page, so each locale's answers are remembered (1,440 at most).
   */
  formatTimeOfDay(locale: Locale, minutes: number) {
    let labels = this.timeOfDayLabels.get(locale);
    if (!labels) this.timeOfDayLabels.set(locale, (labels = []));
    return (labels[minutes] ??= this.formatTime(locale, new Date(minutes * 60_000), 'UTC'));
  }

  private readonly timeOfDayLabels = new Map<Locale, string[]>();

  /**
   * An error's parameters as a page shows them: a date (`YYYY-MM-DD`) or a time of day
   * (`HH:mm`) that came back from a form reads in the locale's formats, like every other
   * date and time on the page ("2:30 AM does not exist on Mar 8, 2026").
   */
  errorParams(locale: Locale, params: Record<string, unknown> = {}): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, this.shownParam(locale, value)]),
    );
  }

  private shownParam(locale: Locale, value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    if (time) return this.formatTimeOfDay(locale, Number(time[1]) * 60 + Number(time[2]));
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)))
      return this.formatCalendarDate(locale, value);
    return value;
  }

  formatDateTime(locale: Locale, date: Date, timeZone: string) {
    return this.dateFormat(locale, timeZone, 'date-time', {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(date);
  }

  /**
   * Money in minor units (a bigint, or its text from the database) in the clinic's currency.
   * Intl reads the decimal string exactly, so no amount passes through a float.
   */
  formatMoney(locale: Locale, minor: bigint | string | number, currency: string) {
    const key = `${locale}|currency|${currency}`;
    let format = this.numberFormats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      this.numberFormats.set(key, format);
    }
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(toDecimalString(BigInt(minor), digits) as unknown as number);
  }

  formatNumber(locale: Locale, value: number, maximumFractionDigits = 2) {
    const key = `${locale}|${maximumFractionDigits}`;
    let format = this.numberFormats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits });
      this.numberFormats.set(key, format);
    }
    return format.format(value);
  }

  // Building an Intl formatter costs far more than using one: one per locale, zone and style.
  private readonly dateFormats = new Map<string, Intl.DateTimeFormat>();
  private readonly numberFormats = new Map<string, Intl.NumberFormat>();

  private dateFormat(
    locale: Locale,
    timeZone: string,
    name: string,
    options: Intl.DateTimeFormatOptions,
  ): Intl.DateTimeFormat {
    const key = `${locale}|${timeZone}|${name}`;
    let format = this.dateFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      this.dateFormats.set(key, format);
    }
    return format;
  }
}

/** The request's language: the user's choice, else the clinic's, else the browser's. */
export function chooseLocale(opts: {
  user?: string | null;
  clinic?: string | null;
  acceptLanguage?: string;
}): Locale {
  if (isLocale(opts.user)) return opts.user;
  if (isLocale(opts.clinic)) return opts.clinic;
  const preferred = (opts.acceptLanguage ?? '')
    .split(',')
    .map((part) => part.trim().slice(0, 2).toLowerCase())
    .find(isLocale);
  return preferred ?? 'en';
}
