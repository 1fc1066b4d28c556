import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  createCompany,
  createUser,
  type TestClinic,
  type TestCompany,
  uniq,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe("a clinic manager reads the clinic's audit log", () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let company: TestCompany;

  beforeAll(async () => {
    company = await createCompany({ clinics: [{}] });
    [clinic] = company.clinics;
  });

  it('shows who signed in and which staff role changed from what to what, filtered by kind', async () => {
    const admin = await createUser({ adminOf: [company.id] });
    const companyWeb = new WebClient(t.url);
    await companyWeb.signIn(admin.email);
    await companyWeb.get(`/companies/${company.slug}/staff`);
    // A new person (someone from outside the company would be refused).
    const nurse = `nurse.${uniq()}@test.vetlane.test`;
    await companyWeb.post(`/companies/${company.slug}/staff`, {
      email: nurse,
      name: 'New Nurse',
      password: 'a-long-first-password',
      clinic: clinic.slug,
      role: 'nurse',
    });
    await companyWeb.get(`/companies/${company.slug}/staff`);
    await companyWeb.post(`/companies/${company.slug}/staff`, {
      email: nurse,
      clinic: clinic.slug,
      role: 'vet',
    });

    const web = new WebClient(t.url);
    await web.signIn(clinic.manager.email);
    const log = await web.get(`/c/${clinic.slug}/audit`);
    expect(log.status).toBe(200);
    expect(log.text).toContain('data-action="user.signed_in"');
    expect(log.text).toContain('data-action="staff.added"');
    const changed = log.text.split('data-action="staff.role_changed"')[1]?.split('</tr>')[0] ?? '';
    // A sentence and labelled values, never the raw action code or JSON.
    expect(changed).toContain(`${admin.name} changed someone&#x27;s role`);
    expect(changed).toContain('Role: Nurse → Vet');
    expect(changed).not.toMatch(/&quot;|staff\.role_changed<|: nurse</);
    expect(changed).toContain(admin.name); // who changed it
    // Times are the clinic's local ones in the page's one format, not ISO.
    expect(changed).toMatch(/<td>[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M<\/td>/);
    expect(log.text).toContain(
      '<option value="staff.role_changed" >… changed someone&#x27;s role</option>',
    );

    const onlyStaff = await web.get(`/c/${clinic.slug}/audit?entity=staff`);
    expect(onlyStaff.text).not.toContain('data-action="user.signed_in"');
    expect(onlyStaff.text).toContain('data-action="staff.role_changed"');
    const future = await web.get(`/c/${clinic.slug}/audit?from=2099-01-01`);
    expect(future.text).not.toContain('data-action=');
  });

  it("is a 404 for the clinic's front desk and for other clinics' managers", async () => {
    const web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
    expect((await web.get(`/c/${clinic.slug}/audit`)).status).toBe(404);
    const other = new WebClient(t.url);
    await other.signIn('manager@pet-spa-deluxe.vetlane.test');
    expect((await other.get(`/c/${clinic.slug}/audit`)).status).toBe(404);
  });
});
