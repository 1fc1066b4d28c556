import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import hbs from 'hbs';
import { VIEWS_DIR, LOCALES_DIR } from '../../src/common/paths.js';
import { type Locale, LOCALES, Translator } from '../../src/i18n/i18n.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import {
  book,
  createCharge,
  createCompany,
  createPriceItem,
  createRecord,
  createUser,
  type TestClinic,
  type TestCompany,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { MESSAGE_KINDS } from '../../src/message/message-kinds.js';
import { MessageRenderer } from '../../src/message/message-renderer.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { dayAhead, offeredSlots, openOnlineBooking, ownerForm } from '../harness/online-booking.js';
import { MessageLinks } from '../../src/message/message-links.js';

/**
 * Every template, rendered by the real app in both languages, walked as every role: no
 * untranslated key, raw code, ISO date or the other language's sentences reaches a page.
 * The app runs in this process so that the templates it renders (pages and partials) and
 * the catalog keys it misses can be counted.
 */

type Page = { locale: Locale; path: string; html: string };

function templateNames(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : e.name.endsWith('.hbs')
          ? [join(dir, e.name)]
          : [],
    );
  return walk(VIEWS_DIR)
    .map((file) => {
      const rel = relative(VIEWS_DIR, file).replace(/\.hbs$/, '');
      return rel.startsWith('partials/') ? rel.slice('partials/'.length) : rel;
    })
    .filter((name) => !['layouts/main', 'layouts/public', 'cached-body'].includes(name))
    .sort();
}

/** Every catalog string of a language, flattened. */
function catalog(locale: Locale): Map<string, string> {
  const flat = new Map<string, string>();
  const add = (prefix: string, value: unknown) => {
    if (typeof value === 'string') flat.set(prefix, value);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) add(prefix ? `${prefix}.${k}` : k, v);
  };
  for (const file of readdirSync(join(LOCALES_DIR, locale)))
    add('', JSON.parse(readFileSync(join(LOCALES_DIR, locale, file), 'utf8')));
  return flat;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ' };
function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(\w+);/g, (m, n: string) => ENTITIES[n] ?? m);
}

/**
 * What a person reads on a page in its language: its text, and titles, labels, placeholders
 * and alt texts. A section marked with another language (an owner's e-mail shown in the
 * outbox is in the owner's language) and links written out in text are left out.
 */
function readable(html: string, locale?: Locale): string {
  const body = html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<section\b[^>]*\blang="(\w+)"[^>]*>[\s\S]*?<\/section>/g, (m, lang: string) =>
      locale && lang !== locale ? ' ' : m,
    );
  const attributes = [...body.matchAll(/\s(?:title|aria-label|placeholder|alt)="([^"]*)"/g)].map(
    (m) => m[1],
  );
  return decode([body.replace(/<[^>]+>/g, ' '), ...attributes].join('\n'))
    .replace(/https?:\/\/\S+/g, ' ') // links
    .replace(/\S+@\S+/g, ' ') // e-mail addresses
    .replace(/\s+/g, ' ');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Links a person can follow that are pages (not files, sign-out or the JSON API). */
const NOT_A_PAGE =
  /\/logout|\.(csv|zip|pdf|png|jpg|js|css)(\?|$)|\/pdf$|\/files\/|\/attachments\/|\/open$|\/thumbnail$|^\/api\//;

/** A page's path with ids, dates and clinic slugs as placeholders (one line per kind of page). */
const kindOf = (path: string) =>
  path
    .replace(UUID, ':id')
    .replace(/\d{4}-\d{2}-\d{2}/g, ':date')
    .replace(/test-clinic-\w+/g, ':clinic')
    .replace(/page=\d+/, 'page=n');

describe('every template in both languages', () => {
  let app: TestApp;
  let company: TestCompany;
  const rendered: Record<Locale, Set<string>> = { en: new Set(), es: new Set() };
  const missingKeys = new Set<string>();
  const pages: Page[] = [];
  const statuses: string[] = [];

  beforeAll(async () => {
    // No SMTP server: mail stays in the app, so the platform admin's outbox is a page too.
    app = await startTestApp({ ...ownRedisPrefix('templates'), SMTP_URL: '' });
    // Count each view the app renders, and each partial, per language.
    const express = app.app.getHttpAdapter().getInstance() as {
      render: (name: string, options: Record<string, unknown>, done: unknown) => void;
    };
    const render = express.render.bind(express);
    express.render = (name, options, done) => {
      const locals = options._locals as { locale?: Locale } | undefined;
      const locale = (options.locale ?? locals?.locale) as Locale;
      rendered[LOCALES.includes(locale) ? locale : 'en'].add(name.replace(/^partials\//, ''));
      render(name, options, done);
    };
    const vm = hbs.handlebars.VM as unknown as {
      invokePartial: (
        partial: unknown,
        context: unknown,
        options: Record<string, unknown>,
      ) => string;
    };
    const invoke = vm.invokePartial.bind(vm);
    vm.invokePartial = (partial, context, options) => {
      const root = (options.data as { root?: { locale?: Locale } } | undefined)?.root;
      const locale = root?.locale && LOCALES.includes(root.locale) ? root.locale : 'en';
      if (typeof options.name === 'string') rendered[locale].add(options.name);
      return invoke(partial, context, options);
    };
    const t = Translator.prototype.t;
    Translator.prototype.t = function (this: Translator, locale, key, params) {
      if (!this.has(locale, key) && !this.has(locale, `${key}_other`))
        missingKeys.add(`${locale}:${key}`);
      return t.call(this, locale, key, params);
    };

    company = await createCompany({
      clinics: [
        { locale: 'es', timeZone: 'Europe/Madrid', currency: 'EUR' },
        { locale: 'en', timeZone: 'America/New_York' },
      ],
    });
    for (const clinic of company.clinics) await fillClinic(clinic);
    for (const clinic of company.clinics) await walkClinic(clinic);
    for (const clinic of company.clinics) await walkOwnerPages(clinic);
    await walkCompanyAndAdmin();
    renderOwnerMessages();
  }, 600_000);
  afterAll(() => app.close());

  async function fillClinic(clinic: TestClinic) {
    const hour = 3_600_000;
    const now = Date.now();
    const [a, b, c] = clinic.pets;
    const done = await book(clinic, {
      startsAt: new Date(now - 26 * hour),
      pet: a,
      status: 'completed',
    });
    const arrived = await book(clinic, {
      startsAt: new Date(now - hour),
      pet: b,
      status: 'checked_in',
    });
    await book(clinic, { startsAt: new Date(now + 2 * hour), pet: c, staffId: clinic.vets[1].id });
    await book(clinic, { startsAt: new Date(now + 50 * hour), pet: a, status: 'cancelled' });
    await createRecord(clinic, { pet: a, summary: 'Revisión anual', appointmentId: done });
    await adminQuery(
      superuserUrl(),
      `insert into vaccinations (tenant_id, pet_id, given_on, product, batch, next_due_on, given_by_user_id, given_by_name)
       values ($1, $2, current_date - 350, 'Rabia', 'L1', current_date + 15, $3, 'Vet')`,
      [clinic.id, a.id, clinic.vet.id],
    );
    const item = await createPriceItem(clinic, {
      code: `C-${clinic.slug.slice(-6)}`,
      priceMinor: 3500,
    });
    const charges = [
      await createCharge(clinic, { pet: a, itemId: item, appointmentId: done }),
      await createCharge(clinic, { pet: b, itemId: item }),
    ];

    // Changes made through the pages, so the audit log has entries of many kinds.
    const manager = new WebClient(app.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/rooms`);
    await manager.post(`/c/${clinic.slug}/settings/rooms`, { name: 'Quirófano', active: 'on' });
    await manager.post(`/c/${clinic.slug}/settings/closures`, {
      startDate: '2031-08-01',
      startTime: '00:00',
      endDate: '2031-08-15',
      endTime: '00:00',
      reason: 'Vacaciones',
    });
    await manager.post(`/c/${clinic.slug}/settings/time-zone`, { timeZone: clinic.timeZone });
    await manager.get(`/c/${clinic.slug}/clients/new`);
    await manager.post(`/c/${clinic.slug}/clients`, {
      firstName: 'Lucía',
      lastName: 'Núñez',
      phone: '600 111 222',
    });
    await manager.get(`/c/${clinic.slug}/appointments/new`);
    const booked = await manager.post(`/c/${clinic.slug}/appointments`, {
      petId: b.id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-10',
      time: '10:00',
    });
    await manager.get(`/c/${clinic.slug}/appointments/new`);
    await manager.post(`/c/${clinic.slug}/appointments`, {
      petId: a.id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-11',
      time: '10:00',
    });
    const id = /appointments\/([0-9a-f-]{36})/.exec(booked.location ?? '')?.[1];
    if (id) {
      await manager.get(`/c/${clinic.slug}/appointments/${id}`);
      await manager.post(`/c/${clinic.slug}/appointments/${id}/status`, {
        to: 'cancelled',
        cancelReason: 'Llamó',
      });
    }
    // Through the today board to "has left", so its page's history has every kind of step.
    await manager.get(`/c/${clinic.slug}/today`);
    for (const step of ['consult', 'finish', 'checkOut'])
      expect((await manager.post(`/c/${clinic.slug}/today/${arrived}/${step}`, {})).status).toBe(
        303,
      );
    await manager.get(`/c/${clinic.slug}/appointments/${arrived}`);
    const clientId = /clients\/([0-9a-f-]{36})/.exec(
      (await manager.get(`/c/${clinic.slug}/pets/${a.id}`)).text,
    )?.[1];
    await manager.get(`/c/${clinic.slug}/clients/${clientId}/account`);
    await manager.post(`/c/${clinic.slug}/clients/${clientId}/checkout`, {
      chargeIds: charges[0],
      action: 'issue',
    });
  }

  async function get(
    web: WebClient,
    locale: Locale,
    path: string,
    headers: Record<string, string> = {},
  ) {
    const res = await web.get(path, { 'accept-language': locale, ...headers });
    statuses.push(`${res.status} ${path}`);
    if ((res.headers.get('content-type') ?? '').includes('text/html'))
      pages.push({ locale, path, html: res.text });
    return res;
  }

  /** Follows every page link from `start` (a few of each kind), as one signed-in person. */
  async function walk(web: WebClient, locale: Locale, start: string[], inside: string) {
    const seen = new Map<string, number>();
    const queue = [...start];
    const visited = new Set<string>();
    while (queue.length && visited.size < 200) {
      const path = queue.shift()!;
      if (visited.has(path)) continue;
      const kind = kindOf(path);
      if ((seen.get(kind) ?? 0) >= 2) continue;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      visited.add(path);
      const res = await get(web, locale, path);
      if (res.status !== 200) continue;
      for (const m of res.text.matchAll(/href="([^"#]+)/g)) {
        const href = decode(m[1]);
        if (href.startsWith(inside) && !NOT_A_PAGE.test(href)) queue.push(href);
      }
    }
  }

  async function walkClinic(clinic: TestClinic) {
    const locale = (clinic === company.clinics[0] ? 'es' : 'en') as Locale;
    for (const email of [clinic.frontdesk.email, clinic.vet.email, clinic.manager.email]) {
      const web = new WebClient(app.url);
      await web.signIn(email);
      await walk(
        web,
        locale,
        [
          `/c/${clinic.slug}`,
          `/c/${clinic.slug}/calendar?view=week`,
          `/c/${clinic.slug}/calendar?by=room`,
          `/c/${clinic.slug}/search?q=${encodeURIComponent(clinic.pets[0].name.slice(0, 4))}`,
          `/c/${clinic.slug}/calendar/panel?staffId=${clinic.vets[0].id}&date=2031-06-10&time=10:00`,
        ],
        `/c/${clinic.slug}`,
      );
    }
    // Pages only refusals and mistakes show.
    const desk = new WebClient(app.url);
    await desk.signIn(clinic.frontdesk.email);
    await get(desk, locale, `/c/${clinic.slug}/pets/00000000-0000-4000-8000-000000000000`);
    await get(desk, locale, `/c/${clinic.slug}/clients/new`);
    pages.push({
      locale,
      path: 'POST clients',
      html: (await desk.post(`/c/${clinic.slug}/clients`, {})).text,
    });
    await get(desk, locale, `/c/${clinic.slug}/appointments/new`);
    const clash = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-10',
      time: '02:00',
    });
    pages.push({ locale, path: 'POST appointments (closed)', html: clash.text });
    await get(desk, locale, `/c/${clinic.slug}/appointments/new`);
    const taken = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[1].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-11',
      time: '10:00',
    });
    expect(taken.status).toBe(409);
    pages.push({ locale, path: 'POST appointments (taken)', html: taken.text });
    const quick = await desk.post(`/c/${clinic.slug}/clients/quick`, { petName: '' });
    pages.push({ locale, path: 'POST clients/quick', html: quick.text });
    const manager = new WebClient(app.url);
    await manager.signIn(clinic.manager.email);
    await get(manager, locale, `/c/${clinic.slug}/settings/hours`);
    const hours = await manager.post(`/c/${clinic.slug}/settings/hours`, {
      d1_1_opens: '18:00',
      d1_1_closes: '09:00',
    });
    pages.push({ locale, path: 'POST settings/hours', html: hours.text });
    const signedOut = new WebClient(app.url);
    await get(signedOut, locale, '/login');
    pages.push({
      locale,
      path: 'POST login',
      html: (
        await signedOut.request('/login', {
          method: 'POST',
          body: new URLSearchParams({
            email: 'nobody@x.test',
            password: 'wrong-password',
            _csrf: signedOut.csrf ?? '',
          }),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'accept-language': locale,
          },
        })
      ).text,
    });
  }

  /** The text of the mail kept in the outbox for `email` (mail stays in the app here). */
  async function outboxText(clinic: TestClinic, email: string): Promise<string> {
    for (let i = 0; i < 300; i++) {
      const { rows } = await adminQuery(
        superuserUrl(),
        `select body_text from owner_messages
          where tenant_id = $1 and to_address = $2 and status = 'sent'`,
        [clinic.id, email],
      );
      if (rows[0]) return rows[0].body_text as string;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no mail for ${email} after 30 s`);
  }

  /** What an owner sees without a login: booking online, the emailed link, unsubscribing. */
  async function walkOwnerPages(clinic: TestClinic) {
    const locale = (clinic === company.clinics[0] ? 'es' : 'en') as Locale;
    await openOnlineBooking(clinic);
    const owner = new WebClient(app.url);
    const page = await get(
      owner,
      locale,
      `/book/${clinic.slug}?lang=${locale}&date=${dayAhead(clinic, 7)}`,
    );
    const [slot] = offeredSlots(page.text);
    expect(slot).toBeDefined();
    const form = ownerForm(clinic, slot.value);
    pages.push({
      locale,
      path: 'POST book (missing fields)',
      html: (await owner.post(`/book/${clinic.slug}`, { ...form, email: '' })).text,
    });
    const requested = await owner.post(`/book/${clinic.slug}`, form);
    expect(requested.status).toBe(303);
    await get(owner, locale, requested.headers.get('location')!);
    const link = /https?:\/\/\S+?(\/book\/\S+)/.exec(await outboxText(clinic, form.email))?.[1];
    expect(link).toBeDefined();
    await get(owner, locale, link!);
    pages.push({
      locale,
      path: 'POST book/confirm',
      html: (await owner.post(link!.split('?')[0], {})).text,
    });
    await get(owner, locale, `/book/${clinic.slug}/confirm/${'a'.repeat(43)}?lang=${locale}`);
    const unsubscribe = app.app.get(MessageLinks).unsubscribeUrl({
      tenantId: clinic.id,
      clientId: clinic.pets[0].clientId,
      kind: 'appointment_reminder',
    });
    await get(owner, locale, new URL(unsubscribe).pathname);
  }

  async function walkCompanyAndAdmin() {
    const [es, en] = company.clinics;
    const admin = await createUser({ adminOf: [company.id] });
    const both = await createUser({
      worksAt: [
        { clinic: es, role: 'vet' },
        { clinic: en, role: 'vet' },
      ],
    });
    for (const locale of LOCALES) {
      const companyWeb = new WebClient(app.url);
      await companyWeb.signIn(admin.email);
      await walk(companyWeb, locale, [`/companies/${company.slug}`], `/companies/${company.slug}`);
      await walk(
        companyWeb,
        locale,
        [`/c/${(locale === 'es' ? es : en).slug}/audit`],
        `/c/${(locale === 'es' ? es : en).slug}/audit`,
      );
      const chooser = new WebClient(app.url);
      await chooser.signIn(both.email);
      await get(chooser, locale, '/');
      const platform = new WebClient(app.url);
      await platform.signIn('admin@vetlane.test');
      await walk(platform, locale, ['/admin'], '/admin');
    }
  }

  /**
   * Owners' e-mails are rendered outside Express (views/message/email.hbs compiled by the
   * renderer): each kind in each language, with the values the delivery fills in.
   */
  function renderOwnerMessages() {
    const translator = new Translator();
    const renderer = new MessageRenderer(translator);
    const at = new Date('2031-06-10T08:30:00Z');
    for (const locale of LOCALES)
      for (const kind of MESSAGE_KINDS) {
        const message = renderer.render({
          kind,
          locale,
          clinic: { name: 'Clínica Norte', address: 'Calle Mayor 1', phone: '+34 910 000 000' },
          recipientName: 'Lucía Núñez',
          params: {
            pet: 'Luna',
            date: translator.formatDate(locale, at, 'Europe/Madrid', 'full'),
            time: translator.formatTime(locale, at, 'Europe/Madrid'),
            staff: 'Dra. Ruiz',
            type: 'Consulta',
            product: 'Rabia',
            due: translator.formatCalendarDate(locale, '2031-07-01', 'long'),
            name: 'Lucía',
            url: 'https://vetlane.example/u',
          },
          // Only a kind with a button (the address check) gets a link, as the delivery does.
          actionUrl: translator.has(locale, `message.${kind}.action`)
            ? 'https://vetlane.example/verify'
            : null,
          unsubscribeUrl: 'https://vetlane.example/unsubscribe',
        });
        rendered[locale].add('message/email');
        pages.push({ locale, path: `e-mail ${kind}`, html: `${message.html}\n${message.subject}` });
      }
  }

  it('renders every template in English and in Spanish', () => {
    const all = templateNames();
    expect(all.length).toBeGreaterThan(40);
    for (const locale of LOCALES)
      expect({ locale, notRendered: all.filter((name) => !rendered[locale].has(name)) }).toEqual({
        locale,
        notRendered: [],
      });
  });

  it('never fails a page it links to', () => {
    expect(pages.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s.startsWith('5'))).toEqual([]);
  });

  it('asks the catalogs for no key they lack', () => {
    expect([...missingKeys]).toEqual([]);
  });

  it('shows no catalog key, code, ISO date or leftover value on any page', () => {
    const namespaces = [...new Set([...catalog('en').keys()].map((k) => k.split('.')[0]))];
    const key = new RegExp(`\\b(?:${namespaces.join('|')})\\.[a-zA-Z][\\w.]*[a-zA-Z]`, 'g');
    const leaks = pages.flatMap(({ locale, path, html }) => {
      const text = readable(html);
      const found = [
        ...(text.match(key) ?? []),
        ...(text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []),
        ...(text.match(/\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/g) ?? []),
        ...(text.match(
          /\bundefined\b|\bNaN\b|Invalid Date|\[object Object\]|Invalid input|expected (?:string|number|nonoptional)/g,
        ) ?? []),
      ];
      return [...new Set(found)].map((leak) => `${locale} ${kindOf(path)}: ${leak}`);
    });
    expect([...new Set(leaks)]).toEqual([]);
  });

  it("shows no sentence of the other language's catalog", () => {
    const sentences = (locale: Locale, other: Locale) => {
      const own = catalog(locale);
      return [...catalog(other)]
        .filter(([k, v]) => !v.includes('{{') && v.split(/\s+/).length >= 3 && own.get(k) !== v)
        .map(([, v]) => v);
    };
    const leaks = pages.flatMap(({ locale, path, html }) => {
      const text = readable(html, locale);
      return sentences(locale, locale === 'es' ? 'en' : 'es')
        .filter((s) => text.includes(s))
        .map((s) => `${locale} ${kindOf(path)}: ${s}`);
    });
    expect([...new Set(leaks)]).toEqual([]);
  });
});
