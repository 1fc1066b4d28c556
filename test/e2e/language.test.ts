import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES, Translator } from '../../src/i18n/i18n.js';
import { LOCALES_DIR, VIEWS_DIR } from '../../src/common/paths.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object'
      ? keys(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

function catalog(locale: string): Record<string, unknown> {
  const dir = join(LOCALES_DIR, locale);
  return Object.assign(
    {},
    ...readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  );
}

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? templates(join(dir, e.name))
      : e.name.endsWith('.hbs')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('language', () => {
  it('has the same message keys in English and Spanish', () => {
    const [en, es] = LOCALES.map((l) => keys(catalog(l)).sort());
    expect(es).toEqual(en);
  });

  it('has a translation for every literal key the templates use', () => {
    const translator = new Translator();
    const used = templates(VIEWS_DIR).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\{\{t "([^"]+)"/g)].map((m) => m[1]),
    );
    expect(used.length).toBeGreaterThan(20);
    for (const locale of LOCALES)
      for (const key of used)
        expect({
          locale,
          key,
          ok: translator.has(locale, key) || translator.has(locale, `${key}_other`),
        }).toEqual({ locale, key, ok: true });
  });

  it('formats dates and numbers per locale in the clinic time zone', () => {
    const t = new Translator();
    const instant = new Date('2026-03-29T00:30:00Z');
    expect(t.formatDate('es', instant, 'Europe/Madrid', 'long')).toBe('29 de marzo de 2026');
    expect(t.formatDate('en', instant, 'America/New_York', 'long')).toBe('March 28, 2026');
    expect(t.formatNumber('es', 12345.5)).toBe('12.345,5');
    expect(t.formatNumber('en', 12345.5)).toBe('12,345.5');
  });

  describe('pages', () => {
    const app = sharedApp();

    it("speaks the clinic's language, and the user's own choice overrides it", async () => {
      const web = new WebClient(app.url);
      await web.signIn('vet@hospital-veterinario-norte.vetlane.test');
      expect((await web.get('/c/hospital-veterinario-norte/clients')).text).toContain(
        '<h1>Clientes</h1>',
      );
      await web.post('/account/locale', {
        locale: 'en',
        next: '/c/hospital-veterinario-norte/clients',
      });
      expect((await web.get('/c/hospital-veterinario-norte/clients')).text).toContain(
        '<h1>Clients</h1>',
      );
      await web.post('/account/locale', { locale: '' });
      expect((await web.get('/c/hospital-veterinario-norte/clients')).text).toContain(
        '<h1>Clientes</h1>',
      );
    });

    it('greets a signed-out Spanish browser in Spanish', async () => {
      const page = await new WebClient(app.url).get('/login', {
        'accept-language': 'es-MX,es;q=0.9',
      });
      expect(page.text).toContain('Iniciar sesión en Vetlane');
    });
  });
});
