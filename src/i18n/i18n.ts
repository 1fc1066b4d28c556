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

  t(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
    return this.i18n.t(key, { lng: locale, ...params });
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
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
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
