import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const NEW_CLIENT = {
  firstName: 'Lucía',
  lastName: 'Fernández Soto',
  phone: '+34 611 222 333',
  email: 'lucia.fs@example.com',
  address: 'Calle Mayor 3',
  notes: 'Prefers mornings',
};

function idFrom(location: string | null, kind: 'clients' | 'pets'): string {
  const match = new RegExp(`/${kind}/([0-9a-f-]{36})`).exec(location ?? '');
  if (!match) throw new Error(`no ${kind} id in ${location}`);
  return match[1];
}

describe('front desk keeps clients and pets', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let web: WebClient;
  const base = () => `/c/${clinic.slug}`;

  beforeAll(async () => {
    clinic = await createClinic();
    web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
  });

  async function newClient(fields: Record<string, string> = NEW_CLIENT) {
    await web.get(`${base()}/clients/new`);
    const res = await web.post(`${base()}/clients`, fields);
    expect(res.status).toBe(303);
    return idFrom(res.location, 'clients');
  }

  async function newPet(clientId: string, fields: Record<string, string>) {
    await web.get(`${base()}/clients/${clientId}/pets/new`);
    return web.post(`${base()}/clients/${clientId}/pets`, fields);
  }

  it('registers a new client at the desk, then corrects their phone, and the audit log knows', async () => {
    const form = await web.get(`${base()}/clients/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<label for="firstName">');
    const id = await newClient();
    const page = await web.get(`${base()}/clients/${id}`);
    expect(page.text).toContain('Lucía Fernández Soto');
    expect(page.text).toContain('+34 611 222 333');

    const edit = await web.get(`${base()}/clients/${id}/edit`);
    expect(edit.text).toContain('value="lucia.fs@example.com"');
    const saved = await web.post(`${base()}/clients/${id}`, {
      ...NEW_CLIENT,
      phone: '611 999 000',
    });
    expect(saved.status).toBe(303);
    expect((await web.get(`${base()}/clients/${id}`)).text).toContain('611 999 000');

    const { rows } = await adminQuery(
      superuserUrl(),
      `select action, before->>'phone' as before, after->>'phone' as after, actor_name from audit_events
        where tenant_id = $1 and entity = 'client' and entity_id = $2 order by occurred_at`,
      [clinic.id, id],
    );
    expect(rows.map((r) => r.action)).toEqual(['client.created', 'client.updated']);
    expect(rows[1]).toMatchObject({ before: '+34 611 222 333', after: '611 999 000' });
    expect(rows[1].actor_name).toBe(clinic.frontdesk.name);
  });

  it('tells the receptionist which fields are wrong and keeps what they typed', async () => {
    await web.get(`${base()}/clients/new`);
    const res = await web.post(`${base()}/clients`, {
      firstName: '  ',
      lastName: 'Ortega',
      email: 'not-an-email',
      phone: '12',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="firstName-error"');
    expect(res.text).toContain('This field is required.');
    expect(res.text).toContain('Enter an email address like name@example.com.');
    expect(res.text).toContain('id="phone-error"');
    expect(res.text).toContain('value="Ortega"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toMatch(/id="email"[^>]*aria-invalid="true"/);
  });

  it('adds a dog that bites to a client, and its page shows owner, alert and the records region', async () => {
    const clientId = await newClient({ firstName: 'Marta', lastName: 'Ibáñez' });
    const res = await newPet(clientId, {
      name: 'Toby',
      species: 'dog',
      breed: 'Beagle',
      sex: 'male',
      neutered: 'on',
      dateOfBirth: '2019-04-02',
      microchip: '941 000 012 345 678',
      colour: 'Tricolour',
      weightKg: '12,5',
      alerts: 'Bites\nAllergic to penicillin',
    });
    expect(res.status).toBe(303);
    const petId = idFrom(res.location, 'pets');
    const page = await web.get(`${base()}/pets/${petId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Toby');
    expect(page.text).toMatch(
      /id="pet-alerts"[\s\S]*<li>Bites<\/li>[\s\S]*<li>Allergic to penicillin<\/li>/,
    );
    expect(page.text).toContain(`href="/c/${clinic.slug}/clients/${clientId}"`);
    expect(page.text).toContain('Marta Ibáñez');
    expect(page.text).toContain('941000012345678');
    expect(page.text).toContain('12.5 kg');
    expect(page.text).toContain('Apr 2, 2019');
    expect(page.text).toContain('<section id="pet-records"');
    expect((await web.get(`${base()}/clients/${clientId}`)).text).toContain(`/pets/${petId}`);

    await web.get(`${base()}/pets/${petId}/edit`);
    const edited = await web.post(`${base()}/pets/${petId}`, {
      name: 'Toby',
      species: 'dog',
      sex: 'male',
      weightKg: '13',
      deceasedOn: '',
    });
    expect(edited.status).toBe(303);
    const after = await web.get(`${base()}/pets/${petId}`);
    expect(after.text).toContain('13 kg');
    expect(after.text).not.toContain('id="pet-alerts"');
    expect(after.text).not.toContain('Neutered');
    const { rows } = await adminQuery(
      superuserUrl(),
      `select action from audit_events where tenant_id = $1 and entity = 'pet' and entity_id = $2 order by occurred_at`,
      [clinic.id, petId],
    );
    expect(rows.map((r) => r.action)).toEqual(['pet.created', 'pet.updated']);
  });

  it('refuses a microchip another pet of the clinic already has, with a message on the field', async () => {
    const clientId = await newClient({ firstName: 'Pau', lastName: 'Roig' });
    expect(
      (await newPet(clientId, { name: 'Nala', species: 'cat', microchip: '985112003456789' }))
        .status,
    ).toBe(303);
    const dup = await newPet(clientId, {
      name: 'Simba',
      species: 'cat',
      microchip: '985-112-003-456-789',
    });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('id="microchip-error"');
    expect(dup.text).toContain('Another pet of this clinic already has this microchip number.');
    expect(dup.text).toContain('value="Simba"');
    const bad = await newPet(clientId, {
      name: '',
      species: 'dragon',
      dateOfBirth: '2999-01-01',
      weightKg: '-3',
    });
    expect(bad.status).toBe(400);
    for (const field of ['name', 'species', 'dateOfBirth', 'weightKg'])
      expect(bad.text).toContain(`id="${field}-error"`);
    expect(bad.text).toContain('This date cannot be in the future.');
  });

  it("answers 404 for another clinic's client or pet, on every page and form", async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select p.id as pet_id, p.client_id from pets p join tenants t on t.id = p.tenant_id
        where t.slug = 'pet-spa-deluxe' limit 1`,
    );
    const { pet_id: petId, client_id: clientId } = rows[0];
    for (const path of [
      `/clients/${clientId}`,
      `/clients/${clientId}/edit`,
      `/clients/${clientId}/pets/new`,
      `/pets/${petId}`,
      `/pets/${petId}/edit`,
      '/pets/not-a-uuid',
    ])
      expect({ path, status: (await web.get(base() + path)).status }).toEqual({
        path,
        status: 404,
      });
    await web.get(`${base()}/clients/new`);
    const post = await web.post(`${base()}/clients/${clientId}`, { firstName: 'X', lastName: 'Y' });
    expect(post.status).toBe(404);
    const petPost = await web.post(`${base()}/clients/${clientId}/pets`, {
      name: 'X',
      species: 'dog',
    });
    expect(petPost.status).toBe(404);
    const { rows: unchanged } = await adminQuery(
      superuserUrl(),
      'select first_name from clients where id = $1',
      [clientId],
    );
    expect(unchanged[0].first_name).not.toBe('X');
  });

  it('creates a client and their first pet in one go from the booking form, as a form or as JSON', async () => {
    await web.get(`${base()}/clients/quick?next=${encodeURIComponent(`${base()}/book`)}`);
    const res = await web.post(`${base()}/clients/quick`, {
      firstName: 'Iker',
      lastName: 'Zubiri',
      phone: '600 700 800',
      petName: 'Kira',
      petSpecies: 'dog',
      next: `${base()}/book`,
    });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(
      new RegExp(`^${base()}/book\\?clientId=[0-9a-f-]{36}&petId=[0-9a-f-]{36}$`),
    );

    const json = await web.request(`${base()}/clients/quick`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'x-csrf-token': web.csrf!,
      },
      body: JSON.stringify({
        firstName: 'Ane',
        lastName: 'Goikoetxea',
        petName: 'Txuri',
        petSpecies: 'cat',
      }),
    });
    expect(json.status).toBe(201);
    const ids = JSON.parse(json.text);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select c.last_name, p.name from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
        where p.tenant_id = $1 and p.id = $2 and c.id = $3`,
      [clinic.id, ids.petId, ids.clientId],
    );
    expect(rows).toEqual([{ last_name: 'Goikoetxea', name: 'Txuri' }]);

    const invalid = await web.request(`${base()}/clients/quick`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'x-csrf-token': web.csrf!,
      },
      body: JSON.stringify({ firstName: 'Ane', lastName: 'Sinmascota', petSpecies: 'unicorn' }),
    });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).error.fields).toEqual(
      expect.objectContaining({ petName: expect.any(String), petSpecies: expect.any(String) }),
    );
    const { rows: none } = await adminQuery(
      superuserUrl(),
      `select 1 from clients where tenant_id = $1 and last_name = 'Sinmascota'`,
      [clinic.id],
    );
    expect(none).toEqual([]);
  });
});
