import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPOINTMENT_STATUSES } from '../appointment/status-flow.js';
import { TODAY_ACTIONS } from '../appointment/today-board.js';
import { VIEWS_DIR } from '../common/paths.js';
import { LOCALES, Translator } from './i18n.js';

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? templates(join(dir, e.name))
      : e.name.endsWith('.hbs')
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * Every catalog key a template names (`{{t "key"}}`, `(t "key")`, `label="key"` of the field
 * partial, `placeholder`/`hint` keys) must exist in every language: a missing one would reach
 * the page as the raw key.
 */
describe('the templates speak every language', () => {
  const translator = new Translator();
  const files = templates(VIEWS_DIR);
  const keys = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const found = [
      ...text.matchAll(/[({]t "([a-zA-Z][\w.]*)"/g),
      ...text.matchAll(/\b(?:label|placeholder|hint|title)="([a-z][a-zA-Z]*\.[\w.]+)"/g),
    ];
    for (const m of found) keys.set(m[1], file);
  }

  it('finds the templates and their keys', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(keys.size).toBeGreaterThan(200);
  });

  for (const locale of LOCALES)
    it(`has every template key in ${locale}`, () => {
      // A plural key exists as `<key>_one` / `<key>_other`.
      const missing = [...keys].filter(
        ([key]) => !translator.has(locale, key) && !translator.has(locale, `${key}_other`),
      );
      expect(missing).toEqual([]);
    });

  it('has a label for every status, today-board stage and action in both languages', () => {
    const dynamic = [
      ...APPOINTMENT_STATUSES.map((s) => `status.${s}`),
      ...['booked', 'arrived', 'inConsult', 'readyToGo', 'done'].map((s) => `today.stage.${s}`),
      ...TODAY_ACTIONS.map((a) => `today.action.${a}`),
      ...['hours', 'closures', 'rooms', 'types', 'staff', 'api'].map(
        (s) => `settings.section.${s}`,
      ),
    ];
    for (const locale of LOCALES)
      expect(dynamic.filter((key) => !translator.has(locale, key))).toEqual([]);
  });
});
