import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompany, createUser, type TestClinic, type TestUser } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, recordIdFrom, uploadFile } from '../harness/records.js';
import { sharedApp } from '../harness/shared-app.js';

const SOAP = 'Owner reports SECRET-SOAP-TEXT';
const ADDENDUM = 'Later: SECRET-ADDENDUM-TEXT';

describe('a company admin gets no clinical content, a manager gets all of it', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let admin: TestUser;
  let dir: string;

  beforeAll(async () => {
    const company = await createCompany({ clinics: [{ pets: 1 }] });
    [clinic] = company.clinics;
    admin = await createUser({ adminOf: [company.id] });
    dir = mkdtempSync(join(tmpdir(), 'vetlane-privacy-'));

    // A vet writes a record, edits it, uploads a lab PDF, finalises it and adds an addendum.
    const vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    const petId = clinic.pets[0].id;
    await vet.get(`/c/${clinic.slug}/pets/${petId}/records`);
    const created = await vet.post(`/c/${clinic.slug}/pets/${petId}/records`, {
      summary: 'Check-up',
      subjective: SOAP,
      temperatureC: '38.5',
    });
    const recordId = recordIdFrom(created.location);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const saved = await vet.post(`/c/${clinic.slug}/records/${recordId}`, {
      summary: 'Check-up',
      subjective: SOAP,
      plan: 'SECRET-PLAN-TEXT',
      temperatureC: '38.5',
      version: '1',
    });
    expect(saved.status).toBe(303);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const upload = await uploadFile(vet, `/c/${clinic.slug}/records/${recordId}/attachments`, {
      name: 'lab.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    expect(upload.status).toBe(201);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect((await vet.post(`/c/${clinic.slug}/records/${recordId}/finalise`, {})).status).toBe(303);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const addendum = await vet.post(`/c/${clinic.slug}/records/${recordId}/addenda`, {
      body: ADDENDUM,
    });
    expect(addendum.status).toBe(303);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function download(email: string, name: string) {
    const web = new WebClient(t.url);
    await web.signIn(email);
    const fetched = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, {
      headers: { cookie: `vetlane.sid=${web.cookie('vetlane.sid')}` },
    });
    expect(fetched.status).toBe(200);
    const zip = join(dir, `${name}.zip`);
    writeFileSync(zip, Buffer.from(await fetched.arrayBuffer()));
    execFileSync('unzip', ['-q', zip, '-d', join(dir, name)]);
    const out = (p: string) => readFileSync(join(dir, name, p), 'utf8');
    return { out, manifest: JSON.parse(out('manifest.json')) };
  }

  it('keeps only field names in the audit entries of records, even for the manager', async () => {
    const web = new WebClient(t.url);
    await web.signIn(clinic.manager.email);
    const log = await web.get(`/c/${clinic.slug}/audit?entity=medical_record`);
    expect(log.status).toBe(200);
    expect(log.text).toContain('data-action="medical_record.addendum_added"');
    const updated = log.text.split('data-action="medical_record.updated"')[1]?.split('</tr>')[0];
    expect(updated).toContain('Fields changed: Plan');
    expect(updated).not.toContain('Subjective'); // unchanged, so not named
    for (const secret of ['SECRET-SOAP-TEXT', 'SECRET-PLAN-TEXT', 'SECRET-ADDENDUM-TEXT', '38.5'])
      expect({ secret, shown: log.text.includes(secret) }).toEqual({ secret, shown: false });
  });

  it('shows a company admin who did what and when in the audit log, without the details', async () => {
    const web = new WebClient(t.url);
    await web.signIn(admin.email);
    const log = await web.get(`/c/${clinic.slug}/audit`);
    expect(log.status).toBe(200);
    expect(log.text).toContain('data-action="medical_record.updated"');
    expect(log.text).toContain('data-details="hidden"');
    expect(log.text).not.toContain('audit-changes');
    expect(log.text).not.toContain('data-testid="audit-subject"');
  });

  it('exports everything for the manager', async () => {
    const { out, manifest } = await download(clinic.manager.email, 'manager');
    expect(manifest.contents).toBe('full');
    expect(out('data/medical_records.jsonl')).toContain('SECRET-SOAP-TEXT');
    expect(out('data/medical_record_addenda.csv')).toContain('SECRET-ADDENDUM-TEXT');
    expect(manifest.attachments.count).toBe(1);
  });

  it('exports no SOAP text, vitals, addenda, file names or files for a company admin', async () => {
    const { out, manifest } = await download(admin.email, 'admin');
    expect(manifest.contents).toBe('no-clinical');
    expect(manifest.attachments).toEqual({ count: 0, files: [] });
    const records = out('data/medical_records.jsonl');
    expect(records).toContain('Check-up'); // the summary, as on the record list
    for (const file of [
      'data/medical_records.jsonl',
      'data/medical_records.csv',
      'data/medical_record_addenda.jsonl',
      'data/medical_record_addenda.csv',
      'data/attachments.csv',
      'data/audit_events.jsonl',
      'data/audit_events.csv',
    ]) {
      const text = out(file);
      for (const secret of ['SECRET', 'temperature_c', 'lab.pdf', '"after"'])
        expect({ file, secret, found: text.includes(secret) }).toEqual({
          file,
          secret,
          found: false,
        });
    }
  });
});
