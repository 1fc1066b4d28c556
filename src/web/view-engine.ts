import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import hbs from 'hbs';
import { daySlotsHtml } from '../appointment/day-grid-slots.js';
import type { DayView } from '../appointment/calendar.service.js';
import { VIEWS_DIR } from '../common/paths.js';
import { isLocale, type Locale, Translator } from '../i18n/i18n.js';
import type { FormMessage } from './form-errors.js';

type HelperOptions = { hash: Record<string, unknown>; data: { root: Record<string, unknown> } };

function rootLocale(options: HelperOptions): Locale {
  const locale = options.data.root.locale;
  return isLocale(locale) ? locale : 'en';
}

function rootTimeZone(options: HelperOptions): string {
  const clinic = options.data.root.clinic as { timeZone?: string } | undefined;
  return clinic?.timeZone ?? 'UTC';
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function registerPartials(dir: string) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) registerPartials(path);
    else if (entry.name.endsWith('.hbs')) {
      const name = relative(join(VIEWS_DIR, 'partials'), path).replace(/\.hbs$/, '');
      hbs.registerPartial(name, readFileSync(path, 'utf8'));
    }
  }
}

/** Handlebars with the views' helpers: `t` for every user-facing string, locale-aware formatting. */
export function setUpViewEngine(translator: Translator) {
  registerPartials(join(VIEWS_DIR, 'partials'));
  // `{{t "key" name=…}}`, or `{{t message}}` for a { key, params } from src/web/form-errors.ts.
  hbs.registerHelper('t', function (key: string | FormMessage, options: HelperOptions) {
    if (key && typeof key === 'object')
      return translator.t(rootLocale(options), key.key, {
        ...translator.errorParams(rootLocale(options), key.params),
        ...options.hash,
      });
    return translator.t(rootLocale(options), key, options.hash);
  });
  hbs.registerHelper('formatDate', function (value: unknown, options: HelperOptions) {
    const style =
      (options.hash.style as 'short' | 'medium' | 'long' | 'full' | undefined) ?? 'medium';
    // A calendar date (YYYY-MM-DD) is already the clinic's local date: no zone shift.
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
      return translator.formatCalendarDate(rootLocale(options), value, style);
    const date = toDate(value);
    return date
      ? translator.formatDate(rootLocale(options), date, rootTimeZone(options), style)
      : '';
  });
  hbs.registerHelper('formatTime', function (value: unknown, options: HelperOptions) {
    const date = toDate(value);
    return date ? translator.formatTime(rootLocale(options), date, rootTimeZone(options)) : '';
  });
  hbs.registerHelper('formatDateTime', function (value: unknown, options: HelperOptions) {
    const date = toDate(value);
    return date ? translator.formatDateTime(rootLocale(options), date, rootTimeZone(options)) : '';
  });
  hbs.registerHelper('formatNumber', function (value: unknown, options: HelperOptions) {
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? translator.formatNumber(rootLocale(options), n) : '';
  });
  // `{{formatMoney totalMinor currency}}`: minor units (bigint or text) in the clinic's locale.
  hbs.registerHelper(
    'formatMoney',
    function (minor: unknown, currency: unknown, options: HelperOptions) {
      if (typeof currency !== 'string' || minor === null || minor === undefined || minor === '')
        return '';
      return translator.formatMoney(rootLocale(options), minor as string, currency);
    },
  );
  // Basis points as a percentage (2100 → "21 %" in the locale's way).
  hbs.registerHelper('formatRate', function (bp: unknown, options: HelperOptions) {
    return new Intl.NumberFormat(rootLocale(options), {
      style: 'percent',
      maximumFractionDigits: 2,
    }).format(Number(bp) / 10000);
  });
  // `{{daySlots day}}`: the day grid's time labels and empty slots (src/appointment/day-grid-slots.ts).
  hbs.registerHelper('daySlots', function (day: DayView, options: HelperOptions) {
    const locale = rootLocale(options);
    return new hbs.handlebars.SafeString(
      daySlotsHtml(day, {
        t: (key, params) => translator.t(locale, key, params),
        escape: hbs.handlebars.escapeExpression,
      }),
    );
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // Like `||`: the first truthy argument (`{{or id name}}`), or false.
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).find(Boolean) ?? false);
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  // `{{#each (list "a" "b")}}`: a fixed list written in the view.
  hbs.registerHelper('list', (...args: unknown[]) => args.slice(0, -1));
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  return hbs;
}
