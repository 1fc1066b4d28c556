import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES, Translator } from '../../src/i18n/i18n.js';
import { LOCALES_DIR, VIEWS_DIR } from '../../src/common/paths.js';
import { createClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object'
      ? keys(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

/** Every key of a locale's files, with the file's name: sections such as `errors` span several files. */
function catalogKeys(locale: string): string[] {
  const dir = join(LOCALES_DIR, locale);
  return readdirSync(dir).flatMap((f) =>
    keys(JSON.parse(readFileSync(join(dir, f), 'utf8'))).map((k) => `${f}:${k}`),
  );
}

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name), suffix)
      : e.name.endsWith(suffix)
        ? [join(dir, e.name)]
        : [],
  );
}

const templates = (dir: string) => files(dir, '.hbs');

describe('language', () => {
  it('has the same message keys in English and Spanish', () => {
    const [en, es] = LOCALES.map((l) => catalogKeys(l).sort());
    expect(es).toEqual(en);
  });

  it('has both translations for every message key the code uses and every error code', () => {
    const translator = new Translator();
    const sources = files(join(LOCALES_DIR, '..', '..'), '.ts').map((f) => readFileSync(f, 'utf8'));
    const messageKeys = sources.flatMap((src) =>
      [...src.matchAll(/'((?:validation|rollup\.errors)\.\w+)'/g)].map((m) => m[1]),
    );
    const codes = sources.flatMap((src) =>
      [...src.matchAll(/(?:appError\(|readonly code = )'(\w+)'/g)].map((m) => `errors.${m[1]}`),
    );
    expect(messageKeys.length).toBeGreaterThan(30);
    expect(codes.length).toBeGreaterThan(20);
    for (const locale of LOCALES)
      for (const key of new Set([...messageKeys, ...codes]))
        expect({ locale, key, ok: translator.has(locale, key) }).toEqual({ locale, key, ok: true });
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

    it("refuses a Spanish clinic's forms in Spanish, field by field", async () => {
      const clinic = await createClinic({
        timeZone: 'Europe/Madrid',
        locale: 'es',
        hours: [{ weekday: 2, opens: '09:00', closes: '14:00' }],
      });
      const desk = new WebClient(app.url);
      await desk.signIn(clinic.frontdesk.email);
      await desk.get(`/c/${clinic.slug}/appointments/new`);
      const book = (fields: Record<string, string>) =>
        desk.post(`/c/${clinic.slug}/appointments`, {
          petId: clinic.pets[0].id,
          staffId: clinic.vets[0].id,
          typeId: clinic.consult,
          date: '2031-05-06',
          time: '10:00',
          ...fields,
        });
      const bad = await book({ time: '25:99', staffId: 'nadie', durationMinutes: '1' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Revise los campos marcados.');
      expect(bad.text).toContain('id="time-error">Use el formato HH:MM.<');
      expect(bad.text).toContain('id="staffId-error">Elija una opción de la lista.<');
      expect(bad.text).toContain('id="durationMinutes-error">Indique una duración');
      const closed = await book({ time: '15:00' });
      expect(closed.status).toBe(422);
      expect(closed.text).toContain('La clínica está cerrada a esa hora.');
      for (const page of [bad.text, closed.text])
        expect(page).not.toMatch(/use the format|Invalid input|closed at that time|expected/i);

      const manager = new WebClient(app.url);
      await manager.signIn(clinic.manager.email);
      await manager.get(`/c/${clinic.slug}/settings`);
      const hours = await manager.post(`/c/${clinic.slug}/settings/hours`, {
        d1_1_opens: '18:00',
        d1_1_closes: '09:00',
      });
      expect(hours.status).toBe(400);
      expect(hours.text).toContain('El cierre debe ser posterior a la apertura.');
      const closure = await manager.post(`/c/${clinic.slug}/settings/closures`, {
        startDate: '2031-05-06',
        startTime: '12:00',
        endDate: '2031-05-06',
        endTime: '11:00',
        reason: '',
      });
      expect(closure.status).toBe(400);
      expect(closure.text).toContain('id="closure-reason-error">Indique el motivo');
      expect(closure.text).not.toMatch(/say why|must be after|this field/i);
    });

    it('greets a signed-out Spanish browser in Spanish', async () => {
      const page = await new WebClient(app.url).get('/login', {
        'accept-language': 'es-MX,es;q=0.9',
      });
      expect(page.text).toContain('Iniciar sesión en Vetlane');
    });
  });
});
