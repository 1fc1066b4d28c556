import { beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import {
  book,
  createClinic,
  createCompany,
  createUser,
  type TestClinic,
  type TestCompany,
  type TestUser,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

/** The number in a table cell `<td data-col="col">` of the row of one clinic. */
function cell(html: string, clinicSlug: string, col: string): string {
  const row = html.split(`data-clinic="${clinicSlug}"`)[1] ?? '';
  return (new RegExp(`data-col="${col}">([^<]*)`).exec(row)?.[1] ?? '').trim();
}

describe('a company admin runs several clinics', () => {
  const t = sharedApp();
  let company: TestCompany;
  let madrid: TestClinic;
  let mexico: TestClinic;
  let bogota: TestClinic;
  let admin: TestUser;

  beforeAll(async () => {
    company = await createCompany({
      clinics: [
        { timeZone: 'Europe/Madrid', name: 'Zeta Madrid', pets: 1 },
        { timeZone: 'America/Mexico_City', name: 'Zeta Monterrey', pets: 1 },
        { timeZone: 'America/Bogota', name: 'Zeta Bogotá', pets: 1 },
      ],
    });
    [madrid, mexico, bogota] = company.clinics;
    admin = await createUser({ adminOf: [company.id] });
    // Madrid: one appointment at local noon yesterday, today and tomorrow (and a cancelled
    // one each afternoon), so whichever day is Madrid's today when the page is drawn, even
    // after a midnight passed since, it holds exactly one.
    const madridNow = DateTime.now().setZone(madrid.timeZone);
    for (const day of [-1, 0, 1]) {
      const local = madridNow
        .plus({ days: day })
        .set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
      await book(madrid, { startsAt: local.toJSDate() });
      await book(madrid, { startsAt: local.plus({ hours: 3 }).toJSDate(), status: 'cancelled' });
    }
    // Bogotá, three days ago: a no-show, a completed visit and a cancelled one.
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    await book(bogota, { startsAt: new Date(threeDaysAgo), status: 'no_show' });
    await book(bogota, { startsAt: new Date(threeDaysAgo + 3_600_000), status: 'completed' });
    await book(bogota, { startsAt: new Date(threeDaysAgo + 7_200_000), status: 'cancelled' });
  });

  it("shows today's appointments, the no-show rate and new clients per clinic and for the company", async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    const page = await web.get(`/companies/${company.slug}`);
    expect(page.status).toBe(200);
    expect(cell(page.text, madrid.slug, 'today')).toBe('1'); // cancelled ones left out
    expect(cell(page.text, mexico.slug, 'today')).toBe('0');
    expect(cell(page.text, bogota.slug, 'today')).toBe('0');
    // Of the last 30 days' appointments, cancelled ones left out: 1 no-show of 2 in Bogotá,
    // none in Madrid, nothing to count in Monterrey.
    expect(cell(page.text, bogota.slug, 'noShowRate')).toBe('50 %');
    expect(cell(page.text, madrid.slug, 'noShowRate')).toBe('0 %');
    expect(cell(page.text, mexico.slug, 'noShowRate')).toBe('—');
    for (const clinic of company.clinics)
      expect(cell(page.text, clinic.slug, 'newClients')).toBe('1');
    expect(page.text).toContain('data-total="newClients">3<');
  });

  it('drills down into one clinic and switches to another with the clinic switcher', async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    const drill = await web.get(`/companies/${company.slug}/clinics/${madrid.slug}`);
    expect(drill.status).toBe(200);
    expect(drill.text).toContain(madrid.vets[0].name);
    expect(drill.text).toContain(`href="/c/${madrid.slug}"`);
    const switched = await web.get(`/companies/${company.slug}/clinics?clinic=${mexico.slug}`);
    expect(switched.location).toBe(`/companies/${company.slug}/clinics/${mexico.slug}`);
  });

  it("gives another company's admin and a clinic manager the same 404 as a company that does not exist", async () => {
    const other = new WebClient(t.url);
    await other.signIn('admin@deluxe-pet-care.vetlane.test');
    const missing = await other.get('/companies/no-such-company');
    expect(missing.status).toBe(404);
    for (const path of [
      `/companies/${company.slug}`,
      `/companies/${company.slug}/clinics/${madrid.slug}`,
      `/companies/${company.slug}/staff`,
      `/c/${madrid.slug}`,
    ])
      expect({ path, status: (await other.get(path)).status }).toEqual({ path, status: 404 });
    // A clinic of one's own company is not reachable through another company's URL either.
    const own = new WebClient(t.url);
    await own.signIn(admin.email);
    expect(
      (await own.get(`/companies/grupo-vetsalud/clinics/hospital-veterinario-norte`)).status,
    ).toBe(404);

    const web = new WebClient(t.url);
    await web.signIn(madrid.manager.email);
    expect((await web.get(`/c/${madrid.slug}`)).status).toBe(200);
    expect((await web.get(`/companies/${company.slug}`)).status).toBe(404);
  });

  it('gives one person a role in two clinics, who then works in both, and takes one away', async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    await web.get(`/companies/${company.slug}/staff`);
    const email = `roving.vet.${Date.now()}@test.vetlane.test`;
    const first = await web.post(`/companies/${company.slug}/staff`, {
      email,
      name: 'Roving Vet',
      clinic: madrid.slug,
      role: 'vet',
      password: 'a-long-first-password',
    });
    expect(first.status).toBe(303);
    await web.get(`/companies/${company.slug}/staff`);
    const second = await web.post(`/companies/${company.slug}/staff`, {
      email,
      clinic: mexico.slug,
      role: 'manager',
    });
    expect(second.status).toBe(303);

    const person = new WebClient(t.url);
    await person.signIn(email, 'a-long-first-password');
    expect((await person.get(`/c/${madrid.slug}`)).status).toBe(200);
    expect((await person.get(`/c/${mexico.slug}/audit`)).status).toBe(200);
    expect((await person.get(`/c/${madrid.slug}/audit`)).status).toBe(404);

    const staffPage = await web.get(`/companies/${company.slug}/staff`);
    const userId = new RegExp(`/staff/([0-9a-f-]{36})/clinics/${madrid.slug}/remove`).exec(
      staffPage.text,
    )?.[1];
    expect(userId).toBeDefined();
    const removed = await web.post(
      `/companies/${company.slug}/staff/${userId}/clinics/${madrid.slug}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    expect((await person.get(`/c/${madrid.slug}`)).status).toBe(404);
    expect((await person.get(`/c/${mexico.slug}`)).status).toBe(200);
  });

  it('keeps what was typed and says what is missing when a new person has no password', async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    await web.get(`/companies/${company.slug}/staff`);
    const res = await web.post(`/companies/${company.slug}/staff`, {
      email: `new.${Date.now()}@test.vetlane.test`,
      name: 'Half Filled',
      clinic: madrid.slug,
      role: 'nurse',
      password: 'short',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="Half Filled"');
    expect(res.text).toContain('at least 12 characters');
    expect(res.text).not.toContain('value="short"');
  });
  it("refuses to enroll another clinic's vet without consent, and adds a new email", async () => {
    const elsewhere = await createClinic();
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    await web.get(`/companies/${company.slug}/staff`);
    const refused = await web.post(`/companies/${company.slug}/staff`, {
      email: elsewhere.vet.email,
      clinic: madrid.slug,
      role: 'vet',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Nobody is added without their consent');
    const staffPage = await web.get(`/companies/${company.slug}/staff`);
    expect(staffPage.text).not.toContain(elsewhere.vet.email);
    const vet = new WebClient(t.url);
    await vet.signIn(elsewhere.vet.email);
    expect((await vet.get(`/c/${madrid.slug}`)).status).toBe(404);

    const email = `newcomer.${Date.now()}@test.vetlane.test`;
    await web.get(`/companies/${company.slug}/staff`);
    const added = await web.post(`/companies/${company.slug}/staff`, {
      email,
      name: 'New Colleague',
      clinic: madrid.slug,
      role: 'vet',
      password: 'a-long-first-password',
    });
    expect(added.status).toBe(303);
    expect((await web.get(`/companies/${company.slug}/staff`)).text).toContain(email);
  });
});
