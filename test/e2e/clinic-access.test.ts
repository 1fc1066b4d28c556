import { describe, expect, it } from '@jest/globals';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('who may enter which clinic', () => {
  const t = sharedApp();

  it("gives a clinic's front desk the same 404 for another clinic as for one that does not exist", async () => {
    const web = new WebClient(t.url);
    await web.signIn('frontdesk@clinica-veterinaria-centro.vetlane.test');
    expect((await web.get('/c/clinica-veterinaria-centro/clients')).status).toBe(200);
    const foreign = await web.get('/c/pet-spa-deluxe');
    const missing = await web.get('/c/no-such-clinic');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.text.replace(/value="[^"]*"/g, '')).toBe(
      missing.text.replace(/value="[^"]*"/g, ''),
    );
    expect((await web.get('/c/pet-spa-deluxe/clients')).status).toBe(404);
  });

  it("answers 404 for another clinic's client id inside one's own clinic", async () => {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select c.id from clients c join tenants t on t.id = c.tenant_id where t.slug = 'pet-spa-deluxe' limit 1`,
    );
    const web = new WebClient(t.url);
    await web.signIn('vet@clinica-veterinaria-centro.vetlane.test');
    expect((await web.get(`/c/clinica-veterinaria-centro/clients/${rows[0].id}`)).status).toBe(404);
    expect((await web.get('/c/clinica-veterinaria-centro/clients/not-a-uuid')).status).toBe(404);
  });

  it("lets a company admin into its own company's clinics only", async () => {
    const web = new WebClient(t.url);
    await web.signIn('admin@grupo-vetsalud.vetlane.test');
    expect((await web.get('/')).location).toBe('/companies/grupo-vetsalud');
    const company = await web.get('/companies/grupo-vetsalud');
    expect(company.status).toBe(200);
    expect(company.text).toContain('Hospital Veterinario Norte');
    expect(company.text).toContain('Clínica Veterinaria Centro');
    expect(company.text).not.toContain('Pet Spa Deluxe');
    expect((await web.get('/c/hospital-veterinario-norte')).status).toBe(200);
    expect((await web.get('/c/clinica-veterinaria-centro/clients')).status).toBe(200);
    expect((await web.get('/c/pet-spa-deluxe')).status).toBe(404);
    expect((await web.get('/c/vetgroom1')).status).toBe(404);
    expect((await web.get('/companies/vetgroom')).status).toBe(404);
  });

  it('sends the platform admin to /admin, and keeps clinical pages and /admin apart', async () => {
    const admin = new WebClient(t.url);
    await admin.signIn('admin@vetlane.test');
    expect((await admin.get('/')).location).toBe('/admin');
    const page = await admin.get('/admin');
    expect(page.status).toBe(200);
    for (const name of ['Hospital Veterinario Norte', 'Pet Spa Deluxe', 'VetGroom Central'])
      expect(page.text).toContain(name);
    expect((await admin.get('/c/pet-spa-deluxe/clients')).status).toBe(404);

    const manager = new WebClient(t.url);
    await manager.signIn('manager@pet-spa-deluxe.vetlane.test');
    expect((await manager.get('/admin')).status).toBe(404);
    expect((await manager.get('/companies/deluxe-pet-care')).status).toBe(404);
  });

  it('sends a signed-out visitor to sign in and back', async () => {
    const web = new WebClient(t.url);
    const res = await web.get('/c/vetgroom1/clients?page=2');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?next=%2Fc%2Fvetgroom1%2Fclients%3Fpage%3D2');
    await web.get(res.location!);
    const signedIn = await web.post('/login', {
      email: 'frontdesk@vetgroom1.vetlane.test',
      password: 'vetlane-demo',
      next: '/c/vetgroom1/clients?page=2',
    });
    expect(signedIn.location).toBe('/c/vetgroom1/clients?page=2');
    const list = await web.get('/c/vetgroom1/clients?page=2');
    expect(list.text).toContain('Page 2 of 3');
  });

  it('never redirects off-site after sign-in', async () => {
    const web = new WebClient(t.url);
    await web.get('/login');
    const res = await web.post('/login', {
      email: 'frontdesk@vetgroom1.vetlane.test',
      password: 'vetlane-demo',
      next: '//evil.example/',
    });
    expect(res.location).toBe('/');
  });
});
