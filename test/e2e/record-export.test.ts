import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClinic, createRecord } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, uploadFile } from '../harness/records.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the clinic export with its medical records', () => {
  const t = sharedApp();
  const dir = mkdtempSync(join(tmpdir(), 'vetlane-record-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds every record, addendum, vaccination and attached file', async () => {
    const clinic = await createClinic({ timeZone: 'Europe/Madrid' });
    const pet = clinic.pets[0];
    const recordId = await createRecord(clinic, { pet, summary: 'Annual check' });
    const vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const pdf = pdfBytes(2000);
    const upload = await uploadFile(vet, `/c/${clinic.slug}/records/${recordId}/attachments`, {
      name: 'lab.pdf',
      type: 'application/pdf',
      data: pdf,
    });
    expect(upload.status).toBe(201);

    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    const res = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, {
      headers: { cookie: `vetlane.sid=${manager.cookie('vetlane.sid')}` },
    });
    expect(res.status).toBe(200);
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'out')]);
    const out = (path: string) => readFileSync(join(dir, 'out', path));
    const records = out('data/medical_records.jsonl')
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.id)).toEqual([recordId]);
    expect(records[0]).toMatchObject({ summary: 'Annual check', pet_id: pet.id });
    const attachments = out('data/attachments.jsonl')
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(attachments).toHaveLength(1);
    expect(out(`attachments/${attachments[0].id}.pdf`).equals(pdf)).toBe(true);
    expect(out('data/vaccinations.csv').toString().split('\n')[0]).toContain('product');
    const manifest = JSON.parse(out('manifest.json').toString());
    expect(manifest.tables.medical_records.rows).toBe(1);
    expect(manifest.tables.attachments.rows).toBe(1);
  });
});
