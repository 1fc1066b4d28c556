import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditPartitions } from '../../src/audit/audit-partitions.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import {
  createCompany,
  createUser,
  type TestClinic,
  type TestCompany,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

describe("a clinic manager reads the clinic's audit log", () => {
  let t: TestApp;
  let clinic: TestClinic;
  let company: TestCompany;

  beforeAll(async () => {
    t = await startTestApp(ownRedisPrefix('audit'));
    company = await createCompany({ clinics: [{}] });
    [clinic] = company.clinics;
  });
  afterAll(() => t.close());

  it('shows who signed in and which staff role changed from what to what, filtered by kind', async () => {
    const admin = await createUser({ adminOf: [company.id] });
    const companyWeb = new WebClient(t.url);
    await companyWeb.signIn(admin.email);
    await companyWeb.get(`/companies/${company.slug}/staff`);
    const nurse = await createUser();
    await companyWeb.post(`/companies/${company.slug}/staff`, {
      email: nurse.email,
      clinic: clinic.slug,
      role: 'nurse',
    });
    await companyWeb.get(`/companies/${company.slug}/staff`);
    await companyWeb.post(`/companies/${company.slug}/staff`, {
      email: nurse.email,
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
    expect(changed).toMatch(
      /&quot;role&quot;: &quot;nurse&quot;[\s\S]*&quot;role&quot;: &quot;vet&quot;/,
    );
    expect(changed).toContain(admin.name); // who changed it

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

  it('drops monthly partitions older than the retention and keeps the recent ones', async () => {
    await adminQuery(
      superuserUrl(),
      `create table if not exists audit_events_2001_01 partition of audit_events for values from ('2001-01-01') to ('2001-02-01')`,
    );
    const partitions = async () =>
      (
        await adminQuery(
          superuserUrl(),
          `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'audit_events'::regclass order by 1`,
        )
      ).rows.map((r) => r.relname as string);
    expect(await partitions()).toContain('audit_events_2001_01');
    const dropped = await t.app.get(AuditPartitions).dropExpired(24);
    expect(dropped).toBeGreaterThanOrEqual(1);
    const left = await partitions();
    expect(left).not.toContain('audit_events_2001_01');
    const now = new Date();
    expect(left).toContain(
      `audit_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`,
    );
  });
});
