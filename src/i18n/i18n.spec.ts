import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClinicTime } from '../clinic/clinic-time.js';
import { LOCALES_DIR } from '../common/paths.js';
import { LOCALES, Translator } from './i18n.js';

/** Every key of a catalog file with its message (nested objects flattened with dots). */
function messages(tree: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string'
      ? [[`${prefix}${k}`, v] as [string, string]]
      : messages(v as Record<string, unknown>, `${prefix}${k}.`),
  );
}

/**
 * Translator.t answers simple messages without i18next (a page asks for hundreds); any
 * i18next option among the parameters (here `ordinal: false`, which changes nothing for
 * these keys) sends the call through i18next, so both paths can be compared on every key.
 */
describe('messages filled without i18next read as i18next would fill them', () => {
  const translator = new Translator();
  const all = LOCALES.flatMap((locale) =>
    readdirSync(join(LOCALES_DIR, locale))
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => messages(JSON.parse(readFileSync(join(LOCALES_DIR, locale, f), 'utf8'))))
      .filter(([key]) => !/_(one|other|zero|few|many|two)$/.test(key))
      .map(([key, message]) => ({ locale, key, message })),
  );

  it('agrees on every message of every catalog, with and without its parameters', () => {
    const withPlaceholders = all.filter((m) => m.message.includes('{{'));
    expect(withPlaceholders.length).toBeGreaterThan(50);
    for (const { locale, key, message } of all) {
      const names = [...message.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
      const params = Object.fromEntries(names.map((n, i) => [n, i % 2 ? 7 : `<${n}>`]));
      const viaI18next = translator.t(locale, key, { ...params, ordinal: false });
      expect({ key, text: translator.t(locale, key, params) }).toEqual({ key, text: viaI18next });
      expect({ key, text: translator.t(locale, key) }).toEqual({
        key,
        text: translator.t(locale, key, { ordinal: false }),
      });
    }
  });

  it('falls back to English for a key Spanish lacks, and to the key for an unknown one', () => {
    expect(translator.t('es', 'no.such.key', { name: 'x' })).toBe('no.such.key');
    expect(translator.t('es', 'no.such.key')).toBe('no.such.key');
  });

  it('still goes through i18next for a value that is not text, and for plurals', () => {
    const [{ locale, key }] = all.filter((m) => /\{\{\s*name\s*\}\}/.test(m.message));
    expect(translator.t(locale, key, { name: ['a', 'b'] })).toBe(
      translator.t(locale, key, { name: ['a', 'b'], ordinal: false }),
    );
    expect(translator.t('en', 'calendar.cancelledAndNoShow', { count: 2 })).toBe(
      '2 cancelled or no-show',
    );
  });
});

describe("a time of day in the locale's clock", () => {
  const translator = new Translator();
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

  it('reads as formatTime reads that time in a clinic: 12-hour in English, 24-hour in Spanish', () => {
    for (const [locale, zone] of [
      ['en', 'America/New_York'],
      ['es', 'Europe/Madrid'],
    ] as const)
      for (let minutes = 0; minutes < 1440; minutes += 5) {
        const instant = ClinicTime.toInstant('2031-06-03', hhmm(minutes), zone);
        expect(translator.formatTimeOfDay(locale, minutes)).toBe(
          translator.formatTime(locale, instant, zone),
        );
      }
    expect(translator.formatTimeOfDay('en', 13 * 60 + 15)).toMatch(/^1:15\sPM$/);
    expect(translator.formatTimeOfDay('en', 0)).toMatch(/^12:00\sAM$/);
    expect(translator.formatTimeOfDay('es', 13 * 60 + 15)).toBe('13:15');
    expect(translator.formatTimeOfDay('es', 9 * 60)).toBe('9:00');
  });
});

describe("an error's parameters in the page's formats", () => {
  const translator = new Translator();

  it('reads a time of day and a date from a form in the locale, and leaves the rest', () => {
    const params = { time: '02:15', date: '2026-03-08', reason: 'Surgery 10:00–12:00', minutes: 5 };
    expect(translator.errorParams('en', params)).toEqual({
      time: expect.stringMatching(/^2:15\sAM$/),
      date: 'Mar 8, 2026',
      reason: 'Surgery 10:00–12:00',
      minutes: 5,
    });
    expect(translator.errorParams('es', params)).toMatchObject({
      time: '2:15',
      date: '8 mar 2026',
    });
    expect(translator.errorParams('en', { time: '24:00', date: '2026-13-45' })).toEqual({
      time: '24:00',
      date: '2026-13-45',
    });
  });
});
