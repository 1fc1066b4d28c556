import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the JSON API with per-clinic tokens', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let manager: WebClient;

  beforeAll(async () => {
    clinic = await createClinic();
    manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
  });

  const tokensPage = () => `/c/${clinic.slug}/settings/api-tokens`;

  async function createToken(name: string): Promise<string> {
    await manager.get(tokensPage());
    const res = await manager.post(tokensPage(), { name });
    expect(res.status).toBe(303);
    const page = await manager.get(tokensPage());
    const token = /data-testid="new-token">([^<]+)</.exec(page.text)?.[1];
    if (!token) throw new Error('token not shown');
    return token;
  }

  async function api(
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    // Bodies of many shapes, read field by field in the assertions.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; json: any }> {
    const res = await fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json() };
  }

  it('shows a new token once, stores only its hash, and lists it with its hint', async () => {
    const token = await createToken('Reminders app');
    expect(token).toMatch(/^vl_[\w-]{43}$/);
    const again = await manager.get(tokensPage());
    expect(again.text).not.toContain(token);
    expect(again.text).toContain('Reminders app');
    expect(again.text).toContain(token.slice(0, 7));
    const { rows } = await adminQuery(
      superuserUrl(),
      'select token_hash from api_tokens where tenant_id = $1 and name = $2',
      [clinic.id, 'Reminders app'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token.slice(3));
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the token page for managers only', async () => {
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    expect((await desk.get(tokensPage())).status).toBe(404);
    await manager.get(tokensPage());
    const blank = await manager.post(tokensPage(), { name: ' ' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('id="name-error"');
  });

  it('lets an integration create, find, read and change clients and pets of its clinic', async () => {
    const token = await createToken('Integration');
    const created = await api(token, 'POST', '/clients', {
      firstName: 'Nerea',
      lastName: 'Ugarte',
      phone: '+34 688 111 222',
    });
    expect(created.status).toBe(201);
    const clientId = created.json.id;
    expect(created.json).toMatchObject({ firstName: 'Nerea', lastName: 'Ugarte', email: null });

    const pet = await api(token, 'POST', '/pets', {
      clientId,
      name: 'Lur',
      species: 'cat',
      weightKg: 4.2,
      neutered: true,
    });
    expect(pet.status).toBe(201);
    expect(pet.json).toMatchObject({
      clientId,
      name: 'Lur',
      weightKg: 4.2,
      neutered: true,
      sex: 'unknown',
    });

    const found = await api(token, 'GET', '/clients?q=ugarte&pageSize=5');
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ page: 1, pageSize: 5, total: 1 });
    expect(found.json.data[0].id).toBe(clientId);

    const detail = await api(token, 'GET', `/clients/${clientId}`);
    expect(detail.json.pets.map((p: { name: string }) => p.name)).toEqual(['Lur']);

    const patched = await api(token, 'PATCH', `/clients/${clientId}`, {
      email: 'nerea@example.com',
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ email: 'nerea@example.com', phone: '+34 688 111 222' });

    const petPatched = await api(token, 'PATCH', `/pets/${pet.json.id}`, { alerts: 'Scratches' });
    expect(petPatched.json).toMatchObject({ alerts: 'Scratches', weightKg: 4.2 });
    const pets = await api(token, 'GET', `/pets?clientId=${clientId}`);
    expect(pets.json.total).toBe(1);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select action from audit_events where tenant_id = $1 and entity_id = $2 order by occurred_at`,
      [clinic.id, clientId],
    );
    expect(rows.map((r) => r.action)).toEqual(['client.created', 'client.updated']);
  });

  it('answers 400 naming the field, 409 for a taken microchip, and 404 for another clinic’s ids', async () => {
    const token = await createToken('Checks');
    const bad = await api(token, 'POST', '/clients', { firstName: 'Solo', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(bad.json.error.fields).toEqual({
      lastName: 'This field is required.',
      email: 'Enter an email address like name@example.com.',
    });
    const page = await api(token, 'GET', '/clients?pageSize=500');
    expect(page.status).toBe(400);
    expect(Object.keys(page.json.error.fields)).toEqual(['pageSize']);

    const owner = await api(token, 'POST', '/clients', { firstName: 'A', lastName: 'B' });
    const chip = '900111222333444';
    await api(token, 'POST', '/pets', {
      clientId: owner.json.id,
      name: 'One',
      species: 'dog',
      microchip: chip,
    });
    const dup = await api(token, 'POST', '/pets', {
      clientId: owner.json.id,
      name: 'Two',
      species: 'dog',
      microchip: chip,
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatchObject({
      code: 'microchip_taken',
      fields: { microchip: expect.any(String) },
    });

    const { rows } = await adminQuery(
      superuserUrl(),
      `select p.id as pet_id, p.client_id from pets p join tenants t on t.id = p.tenant_id where t.slug = 'pet-spa-deluxe' limit 1`,
    );
    const foreign = rows[0];
    for (const [method, path, body] of [
      ['GET', `/clients/${foreign.client_id}`],
      ['PATCH', `/clients/${foreign.client_id}`, { firstName: 'Hacked' }],
      ['GET', `/pets/${foreign.pet_id}`],
      ['PATCH', `/pets/${foreign.pet_id}`, { name: 'Hacked' }],
      ['POST', '/pets', { clientId: foreign.client_id, name: 'Intruder', species: 'dog' }],
    ] as [string, string, unknown?][]) {
      const res = await api(token, method, path, body);
      expect({ method, path, status: res.status, code: res.json.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
    const list = await api(token, 'GET', '/pets?pageSize=100');
    expect(list.json.data.map((p: { id: string }) => p.id)).not.toContain(foreign.pet_id);
  });

  it('refuses a missing, wrong or revoked token with 401', async () => {
    const token = await createToken('Soon revoked');
    expect((await api(token, 'GET', '/clients')).status).toBe(200);
    expect((await api(null, 'GET', '/clients')).status).toBe(401);
    const wrong = await api(`vl_${'x'.repeat(43)}`, 'GET', '/clients');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('unauthorized');

    const { rows } = await adminQuery(
      superuserUrl(),
      `select id, last_used_at from api_tokens where tenant_id = $1 and name = 'Soon revoked'`,
      [clinic.id],
    );
    expect(rows[0].last_used_at).not.toBeNull();
    await manager.get(tokensPage());
    const revoked = await manager.post(`${tokensPage()}/${rows[0].id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await api(token, 'GET', '/clients')).status).toBe(401);
    expect((await manager.get(tokensPage())).text).toContain('Revoked');
  });

  it('documents the API with OpenAPI at /api/docs', async () => {
    const res = await fetch(`${t.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/clients',
        '/api/v1/clients/{id}',
        '/api/v1/pets',
        '/api/v1/pets/{id}',
      ]),
    );
    expect(Object.keys(doc.paths).every((p: string) => p.startsWith('/api/'))).toBe(true);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await fetch(`${t.url}/api/docs`)).status).toBe(200);
  });
});
