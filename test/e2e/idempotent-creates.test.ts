import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const count = async (sql: string, params: unknown[]) =>
  (await adminQuery(superuserUrl(), sql, params)).rows[0].n as number;

/** Double clicks and retried POSTs: every create form carries a one-time key. */
describe('creating things twice by accident', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let web: WebClient;
  const base = () => `/c/${clinic.slug}`;
  const formKey = (html: string) => /name="_formKey" value="([^"]+)"/.exec(html)?.[1];

  beforeAll(async () => {
    clinic = await createClinic({ vets: 1 });
    web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
  });

  it('makes one client from a quick-create form posted twice at once, and answers both alike', async () => {
    const page = await web.get(`${base()}/clients/quick`);
    const fields = {
      firstName: 'Maite',
      lastName: `Twice${clinic.slug}`,
      petName: 'Lur',
      petSpecies: 'dog',
      _formKey: formKey(page.text)!,
    };
    expect(fields._formKey).toBeDefined();
    const [a, b] = await Promise.all([
      web.post(`${base()}/clients/quick`, fields),
      web.post(`${base()}/clients/quick`, fields),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(b.location).toBe(a.location);
    expect(
      await count(
        'select count(*)::int as n from clients where tenant_id = $1 and last_name = $2',
        [clinic.id, fields.lastName],
      ),
    ).toBe(1);
  });

  it('shows a double-submitted booking as booked, not as a conflict with itself', async () => {
    const page = await web.get(`${base()}/appointments/new`);
    const fields = {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2034-05-02',
      time: '10:00',
      _formKey: formKey(page.text)!,
    };
    const [a, b] = await Promise.all([
      web.post(`${base()}/appointments`, fields),
      web.post(`${base()}/appointments`, fields),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(b.location).toBe(a.location);
    const again = await web.post(`${base()}/appointments`, fields); // the back button, later
    expect(again.location).toBe(a.location);
    expect(
      await count('select count(*)::int as n from appointments where tenant_id = $1', [clinic.id]),
    ).toBe(1);
  });

  it("books once when the day view's booking panel is sent twice", async () => {
    await web.get(`${base()}/calendar?date=2034-05-03`);
    const panel = await web.get(
      `${base()}/calendar/panel?date=2034-05-03&time=09:00&staffId=${clinic.vets[0].id}`,
    );
    const body = JSON.stringify({
      petId: clinic.pets[1].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2034-05-03',
      time: '09:00',
      _formKey: formKey(panel.text),
    });
    const send = () =>
      web.request(`${base()}/calendar/book`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-csrf-token': web.csrf ?? '',
        },
      });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(JSON.parse(b.text)).toEqual(JSON.parse(a.text));
    expect(
      await count(
        'select count(*)::int as n from appointments where tenant_id = $1 and pet_id = $2',
        [clinic.id, clinic.pets[1].id],
      ),
    ).toBe(1);
  });

  it('repeats a client, a pet and a medical record with the first answer', async () => {
    const newClient = await web.get(`${base()}/clients/new`);
    const client = {
      firstName: 'Unai',
      lastName: `Once${clinic.slug}`,
      _formKey: formKey(newClient.text)!,
    };
    const first = await web.post(`${base()}/clients`, client);
    expect(first.status).toBe(303);
    expect((await web.post(`${base()}/clients`, client)).location).toBe(first.location);
    const clientId = /clients\/([0-9a-f-]{36})/.exec(first.location!)![1];

    const newPet = await web.get(`${base()}/clients/${clientId}/pets/new`);
    const pet = { name: 'Beltza', species: 'cat', _formKey: formKey(newPet.text)! };
    const firstPet = await web.post(`${base()}/clients/${clientId}/pets`, pet);
    expect(firstPet.status).toBe(303);
    expect((await web.post(`${base()}/clients/${clientId}/pets`, pet)).location).toBe(
      firstPet.location,
    );
    expect(
      await count('select count(*)::int as n from pets where tenant_id = $1 and client_id = $2', [
        clinic.id,
        clientId,
      ]),
    ).toBe(1);

    const vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    const records = await vet.get(`${base()}/pets/${clinic.pets[1].id}/records`);
    const record = { summary: 'Limping, left fore', _formKey: formKey(records.text)! };
    const firstRecord = await vet.post(`${base()}/pets/${clinic.pets[1].id}/records`, record);
    expect(firstRecord.status).toBe(303);
    expect((await vet.post(`${base()}/pets/${clinic.pets[1].id}/records`, record)).location).toBe(
      firstRecord.location,
    );
    expect(
      await count(
        'select count(*)::int as n from medical_records where tenant_id = $1 and pet_id = $2',
        [clinic.id, clinic.pets[1].id],
      ),
    ).toBe(1);
  });

  it('takes an Idempotency-Key on API POSTs', async () => {
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    await manager.get(`${base()}/settings/api-tokens`);
    await manager.post(`${base()}/settings/api-tokens`, { name: 'retrying script' });
    const token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`${base()}/settings/api-tokens`)).text,
    )?.[1];
    const post = () =>
      fetch(`${t.url}/api/v1/clients`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `retry-${clinic.slug}`,
        },
        body: JSON.stringify({ firstName: 'Api', lastName: `Retry${clinic.slug}` }),
      });
    const [a, b] = await Promise.all([post(), post()]);
    const [ja, jb] = (await Promise.all([a.json(), b.json()])) as { id: string }[];
    expect(a.status).toBe(201);
    expect(jb.id).toBe(ja.id);
    expect(
      await count(
        'select count(*)::int as n from clients where tenant_id = $1 and last_name = $2',
        [clinic.id, `Retry${clinic.slug}`],
      ),
    ).toBe(1);
  });
});
