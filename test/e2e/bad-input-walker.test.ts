import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import {
  book,
  createCompany,
  createRecord,
  createUser,
  type TestClinic,
  type TestUser,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';

/**
 * Walks every form a manager, a vet and a company admin can reach (by following the pages'
 * links) and every JSON body of the API (from its OpenAPI document), sending each field bad
 * values one at a time. Nothing may answer 5xx; a value the field can never take must be
 * refused with a 4xx that says which field.
 */
const ONE_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const UUID = new RegExp(ONE_UUID.source, 'g');
const BIG_TEXT = 'x'.repeat(100_000);
const BAD = {
  impossibleDate: '2026-02-30',
  leapDate: '2025-02-29',
  hugeNumber: '99999999999999999999',
  malformedId: 'not-a-uuid',
  bigText: BIG_TEXT,
} as const;
/** Pages never to follow or submit: leaving the session, downloads, files. */
const SKIP = /\/logout|\/signout|\/sign-out|export\.zip|\/files\/|\/open$|\/thumbnail$|\.csv$/;

interface Form {
  action: string;
  fields: { name: string; value: string; type: string }[];
}

const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]?.replace(/&amp;/g, '&');

function formsOf(html: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, open, body] = m;
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = attr(open, 'action') ?? attr(open, 'data-action');
    if (!action) continue;
    const fields: Form['fields'] = [];
    for (const [tag] of body.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(tag, 'name');
      const type = attr(tag, 'type') ?? 'text';
      if (!name || name === '_csrf' || ['file', 'submit', 'button'].includes(type)) continue;
      if (type === 'checkbox' && !/\schecked/.test(tag)) continue;
      fields.push({ name, value: attr(tag, 'value') ?? '', type });
    }
    for (const t of body.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(t[1], 'name');
      if (name) fields.push({ name, value: t[2], type: 'textarea' });
    }
    for (const s of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(s[1], 'name');
      const options = [...s[2].matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]);
      const chosen =
        options.find((o) => /\sselected/.test(o)) ?? options.find((o) => attr(o, 'value'));
      if (name)
        fields.push({ name, value: (chosen && attr(chosen, 'value')) ?? '', type: 'select' });
    }
    for (const [tag] of body.matchAll(/<button\b[^>]*>/g)) {
      const name = attr(tag, 'name');
      if (name) fields.push({ name, value: attr(tag, 'value') ?? '', type: 'button' });
    }
    forms.push({ action, fields });
  }
  return forms;
}

/** Every page reachable from `start` by links under `scope`, and the post forms on them. */
async function crawl(web: WebClient, start: string, scope: string, limit = 120) {
  const seen = new Set<string>();
  const shapes = new Set<string>();
  const queue = [start];
  const forms: Form[] = [];
  while (queue.length && seen.size < limit) {
    const path = queue.shift()!;
    const shape = path.replace(UUID, ':id').replace(/\?.*/, '');
    if (seen.has(path) || shapes.has(shape)) continue;
    seen.add(path);
    shapes.add(shape);
    const page = await web.get(path);
    expect({ path, status: page.status < 500 }).toEqual({ path, status: true });
    for (const form of formsOf(page.text)) forms.push(form);
    for (const m of page.text.matchAll(/href="([^"#]+)"/g)) {
      const href = m[1].replace(/&amp;/g, '&');
      if (href.startsWith(scope) && !SKIP.test(href)) queue.push(href);
    }
  }
  return forms;
}

/** One form per action shape and field set. */
function distinct(forms: Form[]): Form[] {
  const byShape = new Map<string, Form>();
  for (const f of forms) {
    if (SKIP.test(f.action) || !f.fields.length) continue;
    const key = `${f.action.replace(UUID, ':id')} ${f.fields.map((x) => x.name).join(',')}`;
    if (!byShape.has(key)) byShape.set(key, f);
  }
  return [...byShape.values()];
}

/** Fields a person types into: none takes 100 kB. (Hidden fields and choices may fall back.) */
const TEXT_TYPES = [
  'text',
  'textarea',
  'email',
  'password',
  'search',
  'tel',
  'url',
  'date',
  'time',
  'number',
];

/** Bad values that say something about this field: every field gets 100 kB, the rest by kind. */
function worthSending(field: Form['fields'][number], bad: keyof typeof BAD): boolean {
  if (bad === 'bigText' || mustRefuse(field, bad)) return true;
  if (bad === 'hugeNumber') return field.type === 'hidden' || /^\d+$/.test(field.value);
  return field.type === 'hidden' && bad === 'malformedId';
}

/** Which bad values this field can never take (so it must be refused). */
function mustRefuse(field: Form['fields'][number], bad: keyof typeof BAD): boolean {
  if (bad === 'bigText') return TEXT_TYPES.includes(field.type);
  if (bad === 'impossibleDate' || bad === 'leapDate') return field.type === 'date';
  if (bad === 'hugeNumber') return field.type === 'number';
  // A reference to one row (petId, staffId…) must be an id; lists of ids (columns shown,
  // who takes appointments) may drop values they do not know, and a form key is any token.
  if (bad === 'malformedId')
    return /Id$/.test(field.name) && new RegExp(`^${ONE_UUID.source}$`).test(field.value);
  return false;
}

describe('no input gives a 500', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let clinic: TestClinic;
  let admin: TestUser;
  let companySlug: string;

  beforeAll(async () => {
    t = await startTestApp({
      ...ownRedisPrefix('walker'),
      TENANT_REQUESTS_PER_MINUTE: 'basic=100000,standard=100000,enterprise=100000',
    });
    const company = await createCompany({ clinics: [{ pets: 2 }] });
    companySlug = company.slug;
    [clinic] = company.clinics;
    admin = await createUser({ adminOf: [company.id] });
    await book(clinic, { startsAt: new Date(Date.UTC(2031, 2, 4, 10)) });
    await createRecord(clinic, { pet: clinic.pets[0], summary: 'Walker record' });
  });
  afterAll(() => t.close());

  async function walkForms(web: WebClient, start: string, scope: string) {
    const forms = distinct(await crawl(web, start, scope));
    const problems: unknown[] = [];
    let refused = 0;
    for (const form of forms) {
      for (const field of form.fields) {
        for (const bad of (Object.keys(BAD) as (keyof typeof BAD)[]).filter((b) =>
          worthSending(field, b),
        )) {
          const body = Object.fromEntries(form.fields.map((f) => [f.name, f.value]));
          body[field.name] = BAD[bad];
          let res = await web.post(form.action, body);
          if (res.status === 403) {
            await web.get(start); // the session's CSRF token, again
            res = await web.post(form.action, body);
          }
          const named =
            res.text.includes(`${field.name}-error`) ||
            res.text.includes('role="alert"') ||
            res.text.includes('"code"');
          const where = { action: form.action, field: field.name, bad, status: res.status };
          if (res.status >= 500) problems.push(where);
          else if (mustRefuse(field, bad) && !(res.status >= 400 && named)) problems.push(where);
          if (res.status >= 400) refused += 1;
        }
        // A wrong type: the field twice (an array) instead of one value.
        const body = new URLSearchParams(form.fields.map((f) => [f.name, f.value]));
        body.append(field.name, 'second');
        body.set('_csrf', web.csrf ?? '');
        const res = await web.request(form.action, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        if (res.status >= 500)
          problems.push({ action: form.action, field: field.name, bad: 'array' });
      }
    }
    return { forms, problems, refused };
  }

  it.each(['manager', 'vet'] as const)(
    "refuses bad values in every form a clinic's %s reaches with a 4xx naming the field",
    async (role) => {
      const web = new WebClient(t.url);
      await web.signIn(clinic[role].email);
      const scope = `/c/${clinic.slug}`;
      const { forms, problems, refused } = await walkForms(web, scope, scope);
      expect(forms.length).toBeGreaterThanOrEqual(5);
      expect(refused).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );

  it("refuses bad values in the company admin's forms", async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    const start = `/companies/${companySlug}`;
    const { forms, problems } = await walkForms(web, start, start);
    expect(forms.length).toBeGreaterThanOrEqual(1);
    expect(problems).toEqual([]);
  });

  it('answers 404, never 500, for malformed ids and huge page numbers in addresses', async () => {
    const web = new WebClient(t.url);
    await web.signIn(clinic.manager.email);
    const forms = await crawl(web, `/c/${clinic.slug}`, `/c/${clinic.slug}`);
    const problems: unknown[] = [];
    const actions = new Set(
      forms.map((f) => f.action).filter((a) => ONE_UUID.test(a) && !SKIP.test(a)),
    );
    for (const action of actions) {
      await web.get(`/c/${clinic.slug}`);
      for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
        const res = await web.post(action.replace(UUID, id), {});
        // 404 for the id, or 400 for the (empty) form before the id is looked at.
        if (![400, 404].includes(res.status)) problems.push({ action, id, status: res.status });
      }
    }
    for (const path of [
      `/c/${clinic.slug}/clients?page=99999999999999999999`,
      `/c/${clinic.slug}/audit?page=99999999999999999999`,
      `/c/${clinic.slug}/calendar?date=2026-02-30`,
    ]) {
      const res = await web.get(path);
      if (res.status >= 500) problems.push({ path, status: res.status });
    }
    expect(actions.size).toBeGreaterThanOrEqual(1);
    expect(problems).toEqual([]);
  });

  it('refuses bad values and wrong types in every JSON body of the API, naming the field', async () => {
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`/c/${clinic.slug}/settings/api-tokens`);
    await manager.post(`/c/${clinic.slug}/settings/api-tokens`, { name: 'Walker' });
    const token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`/c/${clinic.slug}/settings/api-tokens`)).text,
    )![1];
    const spec = (await (await fetch(`${t.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>
      >;
    };
    type Schema = { properties?: Record<string, { type?: string; format?: string }> };
    const ids: Record<string, string> = {
      clients: clinic.pets[0].clientId,
      pets: clinic.pets[0].id,
    };
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const problems: unknown[] = [];
    let bodies = 0;
    for (const [template, operations] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema?.properties) continue;
        bodies += 1;
        const collection = /\/v1\/([a-z]+)/.exec(template)?.[1] ?? '';
        const path = template.replace(
          /\{[^}]+\}/g,
          ids[collection] ?? '00000000-0000-4000-8000-000000000000',
        );
        for (const [prop, def] of Object.entries(schema.properties)) {
          const values: unknown[] = [
            BIG_TEXT,
            12345678901234567890,
            { nested: true },
            [1, 2],
            true,
          ];
          if (def.type === 'string') values.push(BAD.impossibleDate, BAD.leapDate, BAD.malformedId);
          for (const value of values) {
            const res = await api(method.toUpperCase(), path, { [prop]: value });
            const text = await res.text();
            const where = {
              method,
              path: template,
              prop,
              value: String(value).slice(0, 20),
              status: res.status,
            };
            if (res.status >= 500) problems.push(where);
            else if (res.status === 400 || res.status === 422) {
              const error = (JSON.parse(text) as { error?: { fields?: Record<string, string> } })
                .error;
              if (!error?.fields || !Object.keys(error.fields).length)
                problems.push({ ...where, text });
            }
          }
        }
      }
    }
    for (const path of [
      '/api/v1/clients?page=99999999999999999999',
      '/api/v1/appointments?date=2026-02-30',
    ]) {
      const res = await api('GET', path);
      if (res.status !== 400) problems.push({ path, status: res.status });
    }
    expect(bodies).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
  });
});
