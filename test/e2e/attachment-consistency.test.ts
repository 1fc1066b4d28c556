import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { OrphanSweeper } from '../../src/record/orphan-sweeper.js';
import { startEmbeddedS3 } from '../../src/storage/embedded-s3.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, createRecord, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, uploadFile } from '../harness/records.js';
import { adminQuery, freePort, superuserUrl } from '../harness/services.js';

const BUCKET = 'records-consistency';

/**
 * Nothing lost, nothing orphaned: this suite runs its own s3rver on a fixed port so it can
 * stop the store mid-test and start it again at the same address.
 */
describe('attachments stay consistent with their objects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vetlane-s3-consistency-'));
  let port: number;
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>> | null;
  let t: TestApp;
  let clinic: TestClinic;
  let vet: WebClient;
  let recordId: string;

  const startS3 = async () => {
    s3 = await startEmbeddedS3({ dir, bucket: BUCKET, port });
  };
  const stopS3 = async () => {
    await s3?.stop();
    s3 = null;
  };
  const objectKeys = async () => {
    const keys: string[] = [];
    for await (const o of t.infra.storage.list(`${clinic.id}/attachments/`)) keys.push(o.key);
    return keys.sort();
  };
  const rowCount = async () =>
    (
      await adminQuery(
        superuserUrl(),
        'select count(*)::int as n from attachments where record_id = $1',
        [recordId],
      )
    ).rows[0].n as number;

  beforeAll(async () => {
    port = await freePort();
    await startS3();
    t = await startTestApp({
      ...ownRedisPrefix('attachment-consistency'),
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      ORPHAN_SWEEP_INTERVAL_MINUTES: '0',
    });
    clinic = await createClinic();
    recordId = await createRecord(clinic, {
      pet: clinic.pets[0],
      summary: 'Ear infection follow-up',
    });
    vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
  });
  afterAll(async () => {
    await t.close();
    await stopS3();
    rmSync(dir, { recursive: true, force: true });
  });

  const uploadPath = () => `/c/${clinic.slug}/records/${recordId}/attachments`;
  const photo = () =>
    sharp({ create: { width: 400, height: 300, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();

  it('fails an upload with a clear message and saves nothing while the store is down, then works again', async () => {
    const rowsBefore = await rowCount();
    await stopS3();
    const down = await uploadFile(vet, uploadPath(), {
      name: 'ear.jpg',
      type: 'image/jpeg',
      data: await photo(),
    });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('storage_unavailable');
    expect(down.json.error.message).toMatch(/nothing was saved/);
    expect(await rowCount()).toBe(rowsBefore);

    await startS3();
    expect(await objectKeys()).toEqual([]);
    const up = await uploadFile(vet, uploadPath(), {
      name: 'ear.jpg',
      type: 'image/jpeg',
      data: await photo(),
    });
    expect(up.status).toBe(201);
    expect(await rowCount()).toBe(rowsBefore + 1);
    expect(await objectKeys()).toHaveLength(2); // the image and its thumbnail
  });

  it('keeps one attachment and no stray object when an upload is sent again with its key', async () => {
    const page = await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const formKey = /name="_formKey" value="([^"]+)"/.exec(page.text)?.[1];
    expect(formKey).toBeDefined();
    const keysBefore = await objectKeys();
    const rowsBefore = await rowCount();
    const file = { name: 'twice.jpg', type: 'image/jpeg', data: await photo() };
    // The page's script: the same file sent twice at once (a double click) under its key.
    const [a, b] = await Promise.all([
      uploadFile(vet, uploadPath(), file, { header: `${formKey}.0` }),
      uploadFile(vet, uploadPath(), file, { header: `${formKey}.0` }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const { id } = a.json.attachment;
    expect(b.json.attachment.id).toBe(id);
    // Later, the same key as a form field (no script): the first answer again, nothing stored.
    const later = await uploadFile(vet, uploadPath(), file, { field: `${formKey}.0` });
    expect(later.status).toBe(201);
    expect(later.json.attachment.id).toBe(id);
    // Another file of the same page has its own key.
    const other = await uploadFile(vet, uploadPath(), file, { header: `${formKey}.1` });
    expect(other.json.attachment.id).not.toBe(id);

    expect(await rowCount()).toBe(rowsBefore + 2);
    const otherId = other.json.attachment.id as string;
    expect(await objectKeys()).toEqual(
      [
        ...keysBefore,
        `${clinic.id}/attachments/${id}`,
        `${clinic.id}/attachments/${id}.thumb.jpg`,
        `${clinic.id}/attachments/${otherId}`,
        `${clinic.id}/attachments/${otherId}.thumb.jpg`,
      ].sort(),
    );
  });

  it('removes the stored object when the database write fails after the upload', async () => {
    const keysBefore = await objectKeys();
    const rowsBefore = await rowCount();
    // A stand-in for a database failure after the object is written: this row cannot be inserted.
    await adminQuery(
      superuserUrl(),
      `create or replace function fail_attachment_insert() returns trigger language plpgsql as $$
       begin if new.display_name = 'db-fails.pdf' then raise exception 'simulated database failure'; end if; return new; end $$;
       create trigger fail_attachment_insert before insert on attachments for each row execute function fail_attachment_insert();`,
    );
    try {
      const res = await uploadFile(vet, uploadPath(), {
        name: 'db-fails.pdf',
        type: 'application/pdf',
        data: pdfBytes(9 * 1024 * 1024),
      });
      expect(res.status).toBe(500);
    } finally {
      await adminQuery(
        superuserUrl(),
        'drop trigger fail_attachment_insert on attachments; drop function fail_attachment_insert();',
      );
    }
    expect(await rowCount()).toBe(rowsBefore);
    expect(await objectKeys()).toEqual(keysBefore);
  });

  it('sweeps objects without a row once they are old enough, and never touches attached files', async () => {
    const attached = await objectKeys();
    const orphan = `${clinic.id}/attachments/${randomUUID()}`;
    await t.infra.storage.put(orphan, Buffer.from('left by a crash'), 'application/pdf');
    const sweeper = t.app.get(OrphanSweeper);

    const young = await sweeper.sweep(); // default age: 60 minutes
    expect(young.deleted).toEqual([]);
    expect(await objectKeys()).toContain(orphan);

    const old = await sweeper.sweep({ olderThanMinutes: 0, now: new Date(Date.now() + 1000) });
    expect(old.deleted).toEqual([orphan]);
    expect(await objectKeys()).toEqual(attached);
  });

  it('deletes the row while the store is down and leaves the object to the sweeper', async () => {
    const up = await uploadFile(vet, uploadPath(), {
      name: 'lab.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    const { id } = up.json.attachment;
    const withFile = await objectKeys();
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    await stopS3();
    expect((await vet.post(`/c/${clinic.slug}/attachments/${id}/delete`, {})).status).toBe(303);
    expect(
      (await adminQuery(superuserUrl(), 'select 1 from attachments where id = $1', [id])).rowCount,
    ).toBe(0);
    await startS3();
    expect(await objectKeys()).toEqual(withFile); // the store was down: the object is still there
    const swept = await t.app
      .get(OrphanSweeper)
      .sweep({ olderThanMinutes: 0, now: new Date(Date.now() + 1000) });
    expect(swept.deleted).toEqual([`${clinic.id}/attachments/${id}`]);
  });

  it('answers a clear 503 when a file is opened while the store is down', async () => {
    const up = await uploadFile(vet, uploadPath(), {
      name: 'x.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    const link = (await vet.get(`/c/${clinic.slug}/attachments/${up.json.attachment.id}/open`))
      .location!;
    await stopS3();
    try {
      const res = await vet.get(link, { accept: 'application/json' });
      expect(res.status).toBe(503);
    } finally {
      await startS3();
    }
  });
});
