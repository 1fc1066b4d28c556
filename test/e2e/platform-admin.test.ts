import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  book,
  createClinic,
  createPet,
  createRecord,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, uploadFile } from '../harness/records.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { countColumns, countedPerTenant } from '../harness/tenant-counts.js';
import { sharedApp } from '../harness/shared-app.js';

function rowOf(html: string, slug: string): string {
  return html.split(`data-tenant="${slug}"`)[1]?.split('</tr>')[0] ?? '';
}
function col(row: string, name: string): string {
  return (new RegExp(`data-col="${name}">(?:<span[^>]*>)?([^<]*)`).exec(row)?.[1] ?? '').trim();
}

describe('the platform admin watches every tenant', () => {
  const t = sharedApp();
  let clinic: TestClinic;

  beforeAll(async () => {
    clinic = await createClinic({ name: 'Aardvark Admin Test Clinic', pets: 1 });
  });

  it("shows each demo clinic's clients, pets, staff and appointments as the database counts them", async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@vetlane.test');
    const { rows } = await adminQuery(
      superuserUrl(),
      `${countedPerTenant(`
          select 'clients' as kind, tenant_id, count(*) as n from clients group by tenant_id
          union all select 'pets', tenant_id, count(*) from pets group by tenant_id
          union all select 'staff', tenant_id, count(*) from staff group by tenant_id
          union all select 'appointments', tenant_id, count(*) from appointments group by tenant_id`)}
       select t.slug, ${countColumns(['clients', 'pets', 'staff', 'appointments'], 'text')}
         from tenants t left join counted k on k.tenant_id = t.id
        where t.slug in ('hospital-veterinario-norte', 'vetgroom-central') group by t.slug`,
    );
    const page = await web.get('/admin?q=vet&sort=name&dir=asc');
    expect(page.status).toBe(200);
    for (const r of rows) {
      const row = rowOf(page.text, r.slug);
      expect({
        slug: r.slug,
        clients: col(row, 'clients'),
        pets: col(row, 'pets'),
        staff: col(row, 'staff'),
        appointments: col(row, 'appointments'),
      }).toEqual(r);
    }
    expect(page.text).toMatch(/data-total="tenants">\d/);
    expect(page.text).toMatch(/data-total="connections">\d+\/\d+/);
    expect(page.text).toContain('<svg');
  });

  it('counts a new client and appointment after the short cache expires, and shows no clinical content', async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@vetlane.test');
    await web.get('/admin?q=aardvark');
    const pet = await createPet(clinic, { lastName: 'Confidentialname' });
    await book(clinic, { startsAt: new Date(Date.now() - 86_400_000), status: 'completed' });
    // Past the 1 s TTL the stale numbers are served once while they refresh in the background.
    await new Promise((r) => setTimeout(r, 1100));
    let page = await web.get('/admin?q=aardvark');
    let shown: string[] = [];
    for (let tries = 0; tries < 30; tries++) {
      const row = rowOf(page.text, clinic.slug);
      shown = [col(row, 'clients'), col(row, 'appointments'), col(row, 'appointments7d')];
      if (shown[0] === '2') break;
      await new Promise((r) => setTimeout(r, 100));
      page = await web.get('/admin?q=aardvark');
    }
    expect(shown).toEqual(['2', '1', '1']);
    const detail = await web.get(`/admin/tenants/${clinic.slug}`);
    expect(detail.status).toBe(200);
    for (const html of [page.text, detail.text]) {
      for (const clinical of [
        'Confidentialname',
        pet.name,
        clinic.pets[0].owner,
        clinic.pets[0].name,
      ])
        expect(html).not.toContain(clinical);
    }
  });

  it("shows the bytes a clinic's uploads take in Files, and gives them back when a file is deleted", async () => {
    const files = await createClinic({ name: 'Aardvark Files Test Clinic', pets: 1 });
    const recordId = await createRecord(files, { pet: files.pets[0], summary: 'Lab results' });
    const vet = new WebClient(t.url);
    await vet.signIn(files.vet.email);
    await vet.get(`/c/${files.slug}/records/${recordId}`);
    const pdf = pdfBytes(300_000);
    const up = await uploadFile(vet, `/c/${files.slug}/records/${recordId}/attachments`, {
      name: 'labs.pdf',
      type: 'application/pdf',
      data: pdf,
    });
    expect(up.status).toBe(201);
    const admin = new WebClient(t.url);
    await admin.signIn('admin@vetlane.test');
    const filesShown = async (expected: string) => {
      let shown = '';
      for (let tries = 0; tries < 40 && shown !== expected; tries++) {
        if (tries) await new Promise((r) => setTimeout(r, 100));
        const page = await admin.get('/admin?q=aardvark%20files');
        shown = col(rowOf(page.text, files.slug), 'objectBytes');
      }
      return shown;
    };
    expect(await filesShown(`${(pdf.length / 1024).toFixed(1)} KB`)).toBe(
      `${(pdf.length / 1024).toFixed(1)} KB`,
    );
    await vet.get(`/c/${files.slug}/records/${recordId}`);
    const id = up.json.attachment.id as string;
    expect((await vet.post(`/c/${files.slug}/attachments/${id}/delete`, {})).status).toBe(303);
    expect(await filesShown('0 B')).toBe('0 B');
  });

  it('searches, sorts, pages and exports the table as CSV', async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@vetlane.test');
    const byName = await web.get('/admin?sort=name&dir=asc');
    const names = [
      ...byName.text.matchAll(/<th scope="row"><a href="\/admin\/tenants\/[^"]+">([^<]+)</g),
    ].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(3);
    expect(names).toEqual(
      [...names].sort((a, b) => a.toLocaleLowerCase().localeCompare(b.toLocaleLowerCase())),
    );
    const search = await web.get('/admin?q=grupo');
    expect(search.text).toContain('data-tenant="hospital-veterinario-norte"');
    expect(search.text).not.toContain('data-tenant="pet-spa-deluxe"');
    const csv = await web.get('/admin/tenants.csv?q=vetgroom&sort=name&dir=asc');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('slug,name,company,plan,clients');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['vetgroom-central', 'vetgroom1']);
    const last = await web.get('/admin?page=9999');
    expect(last.status).toBe(200);
  });

  it('is a 404 for everyone but the platform admin', async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@grupo-vetsalud.vetlane.test');
    for (const path of ['/admin', '/admin/tenants.csv', '/admin/tenants/vetgroom1'])
      expect({ path, status: (await web.get(path)).status }).toEqual({ path, status: 404 });
  });
});
