import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { StoredObjectMissing } from '../../src/storage/storage.errors.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, createRecord, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, uploadFile } from '../harness/records.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

async function phonePhotoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: '#c0623b' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'Camera 12' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '40/1 25/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '3/1 42/1 0/1',
      },
    })
    .toBuffer();
}

/** A PNG whose header claims 100,000 × 100,000 pixels: a decompression bomb in 60 bytes. */
function pngBombHeader(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('photos and lab PDFs on medical records', () => {
  let t: TestApp;
  let clinic: TestClinic;
  let vet: WebClient;
  let recordId: string;

  beforeAll(async () => {
    t = await startTestApp({
      ...ownRedisPrefix('attachments'),
      ATTACHMENT_MAX_BYTES: String(2 * 1024 * 1024),
      FILE_LINK_TTL_SECONDS: '5',
    });
    clinic = await createClinic();
    recordId = await createRecord(clinic, {
      pet: clinic.pets[0],
      summary: 'Skin lesion on the flank',
    });
    vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
  });
  afterAll(() => t.close());

  const uploadPath = () => `/c/${clinic.slug}/records/${recordId}/attachments`;
  const objectKeys = async (id: string) =>
    (
      await adminQuery(
        superuserUrl(),
        'select object_key, thumbnail_key from attachments where id = $1',
        [id],
      )
    ).rows[0];

  it('stores a phone photo without its GPS location, with a thumbnail on the record page', async () => {
    const original = await phonePhotoWithGps();
    // The phone's EXIF block (camera and GPS IFDs) is there before upload…
    expect((await sharp(original).metadata()).exif?.toString('latin1')).toContain('PhoneCo');
    const res = await uploadFile(vet, uploadPath(), {
      name: 'IMG_2041.jpg',
      type: 'image/jpeg',
      data: original,
    });
    expect(res.status).toBe(201);
    const { id } = res.json.attachment;
    const keys = await objectKeys(id);
    expect(keys.object_key).toMatch(new RegExp(`^[0-9a-f-]{36}/attachments/${id}$`));
    expect(keys.object_key).not.toContain('IMG_2041');
    const stored = Buffer.from(
      await (await t.infra.storage.get(keys.object_key)).Body!.transformToByteArray(),
    );
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined(); // …and gone from what is stored
    expect(meta.width).toBe(1200);

    const page = await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect(page.text).toContain(`/attachments/${id}/thumbnail`);
    const thumb = await vet.request(`/c/${clinic.slug}/attachments/${id}/thumbnail`, {
      headers: { accept: 'image/*' },
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  });

  it('decides the type by the bytes: an SVG, an HTML page or a program named .jpg is refused', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 0x90)]);
    for (const data of [svg, html, exe]) {
      const res = await uploadFile(vet, uploadPath(), {
        name: 'photo.jpg',
        type: 'image/jpeg',
        data,
      });
      expect(res.status).toBe(415);
      expect(res.json.error.code).toBe('unsupported_file_type');
      expect(res.json.error.message).toMatch(
        /Only JPEG, PNG, WebP or HEIC photos and PDF documents/,
      );
    }
    const pdf = await uploadFile(vet, uploadPath(), {
      name: 'lab.txt',
      type: 'text/plain',
      data: pdfBytes(),
    });
    expect(pdf.status).toBe(201);
    expect(pdf.json.attachment.contentType).toBe('application/pdf');
  });

  it('refuses a file over the limit while it streams in, saving nothing', async () => {
    const before = (
      await adminQuery(
        superuserUrl(),
        'select count(*)::int as n from attachments where record_id = $1',
        [recordId],
      )
    ).rows[0].n;
    const big = pdfBytes(3 * 1024 * 1024);
    const res = await uploadFile(vet, uploadPath(), {
      name: 'big.pdf',
      type: 'application/pdf',
      data: big,
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('file_too_large');

    // Without Content-Length (chunked), the limit is enforced on the counted bytes.
    const boundary = 'vetlaneboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunks = [head, big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024), tail];
    const stream = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const chunked = await fetch(t.url + uploadPath(), {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'x-csrf-token': vet.csrf!,
        accept: 'application/json',
        cookie: `vetlane.sid=${vet.cookie('vetlane.sid')}`,
      },
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const after = (
      await adminQuery(
        superuserUrl(),
        'select count(*)::int as n from attachments where record_id = $1',
        [recordId],
      )
    ).rows[0].n;
    expect(after).toBe(before);
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const res = await uploadFile(vet, uploadPath(), {
      name: 'scan.png',
      type: 'image/png',
      data: pngBombHeader(),
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('image_too_many_pixels');
  });

  it('opens the image through a link that is logged, bound to the user, and dies after its lifetime', async () => {
    const up = await uploadFile(vet, uploadPath(), {
      name: 'wound.png',
      type: 'image/png',
      data: await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
        .png()
        .toBuffer(),
    });
    const { id } = up.json.attachment;
    const open = await vet.get(`/c/${clinic.slug}/attachments/${id}/open`);
    expect(open.status).toBe(303);
    const link = open.location!;
    expect(link).toMatch(new RegExp(`^/c/${clinic.slug}/files/${id}\\?v=view&exp=\\d+&sig=`));
    const file = await vet.request(link, { headers: { accept: 'image/*' } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const { rows } = await adminQuery(
      superuserUrl(),
      `select action, actor_name from audit_events where entity = 'attachment' and entity_id = $1 order by occurred_at`,
      [id],
    );
    expect(rows.map((r) => r.action)).toEqual(['attachment.uploaded', 'attachment.viewed']);

    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    expect((await manager.get(link)).status).toBe(404); // the link was made for the vet
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    expect((await desk.get(`/c/${clinic.slug}/attachments/${id}/open`)).status).toBe(404);
    expect((await desk.get(`/c/${clinic.slug}/attachments/${id}/thumbnail`)).status).toBe(404);
    expect((await desk.get(link)).status).toBe(404);
    const tampered = link.replace(/exp=(\d+)/, (_, e) => `exp=${Number(e) + 3600}`);
    expect((await vet.get(tampered)).status).toBe(404);

    await new Promise((r) => setTimeout(r, 6000));
    const expired = await vet.get(link);
    expect(expired.status).toBe(410);
  });

  it("answers 404 for another clinic's attachment id, whoever asks", async () => {
    const up = await uploadFile(vet, uploadPath(), {
      name: 'lab.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    const { id } = up.json.attachment;
    const link = (await vet.get(`/c/${clinic.slug}/attachments/${id}/open?download=1`)).location!;
    const other = new WebClient(t.url);
    await other.signIn('vet@hospital-veterinario-norte.vetlane.test');
    for (const path of [
      `/c/hospital-veterinario-norte/attachments/${id}/open`,
      `/c/hospital-veterinario-norte/attachments/${id}/thumbnail`,
      link.replace(clinic.slug, 'hospital-veterinario-norte'),
      link,
    ])
      expect({ path, status: (await other.get(path)).status }).toEqual({ path, status: 404 });
    const api = await other.get(`/c/hospital-veterinario-norte/attachments/${id}/open`, {
      accept: 'application/json',
    });
    expect(JSON.parse(api.text).error.code).toBe('not_found');
  });

  it('deletes an attachment with its object and thumbnail, and keeps a finalised record’s files', async () => {
    const up = await uploadFile(vet, uploadPath(), {
      name: 'blurry.jpg',
      type: 'image/jpeg',
      data: await phonePhotoWithGps(),
    });
    const { id } = up.json.attachment;
    const keys = await objectKeys(id);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect((await vet.post(`/c/${clinic.slug}/attachments/${id}/delete`, {})).status).toBe(303);
    expect(
      (await adminQuery(superuserUrl(), 'select 1 from attachments where id = $1', [id])).rowCount,
    ).toBe(0);
    for (const key of [keys.object_key, keys.thumbnail_key])
      await expect(t.infra.storage.get(key)).rejects.toBeInstanceOf(StoredObjectMissing);

    const keep = await uploadFile(vet, uploadPath(), {
      name: 'keep.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    await vet.post(`/c/${clinic.slug}/records/${recordId}/finalise`, {});
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const refused = await vet.post(
      `/c/${clinic.slug}/attachments/${keep.json.attachment.id}/delete`,
      {},
    );
    expect(refused.status).toBe(409);
    // A finalised record is locked for new files too (late lab results go on a new record).
    const page = await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    expect(page.text).not.toContain('id="upload-form"');
    const late = await uploadFile(vet, uploadPath(), {
      name: 'late-lab.pdf',
      type: 'application/pdf',
      data: pdfBytes(),
    });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('record_locked');
    const { rows } = await adminQuery(
      superuserUrl(),
      `select 1 from attachments where record_id = $1 and display_name = 'late-lab.pdf'`,
      [recordId],
    );
    expect(rows).toHaveLength(0);
  });
});
