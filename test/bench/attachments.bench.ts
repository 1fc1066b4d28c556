/**
 * Upload throughput and memory for 25 MB files, and thumbnail time, against the real app on
 * real services (the test harness's PostgreSQL + pgBouncer, Redis, s3rver).
 *   npm run build && node --expose-gc dist/test/bench/attachments.bench.js
 * The app runs in this process, so the memory figures include the client's copy of the file.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { processImage } from '../../src/record/image-processing.js';
import { startTestApp } from '../harness/app.js';
import { createClinic, createRecord } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { pdfBytes, uploadFile } from '../harness/records.js';
import { setUpServices } from '../harness/services-setup.js';

const MB = 1024 * 1024;

async function noisyJpeg(targetBytes: number): Promise<Buffer> {
  const width = 6000;
  const height = 4000;
  const raw = randomBytes(width * height * 3);
  let quality = 90;
  for (;;) {
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality })
      .toBuffer();
    if (jpeg.length <= targetBytes || quality <= 50) return jpeg;
    quality -= 5;
  }
}

async function measure<T>(label: string, bytes: number, work: () => Promise<T>) {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakExternal = base.external + base.arrayBuffers;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  }, 10);
  const started = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(timer);
  console.log(
    `${label}: ${(bytes / MB).toFixed(1)} MB in ${ms.toFixed(0)} ms = ${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s; ` +
      `peak RSS +${((peakRss - base.rss) / MB).toFixed(0)} MB, peak buffers +${((peakExternal - base.external - base.arrayBuffers) / MB).toFixed(0)} MB`,
  );
  return result;
}

async function main() {
  await setUpServices();
  const teardown =
    (globalThis as { __vetlaneTeardown?: (() => Promise<unknown>)[] }).__vetlaneTeardown ?? [];
  const app = await startTestApp({ LOG_LEVEL: 'warn' });
  try {
    const clinic = await createClinic();
    const recordId = await createRecord(clinic, { pet: clinic.pets[0], summary: 'Benchmark' });
    const vet = new WebClient(app.url);
    await vet.signIn(clinic.vet.email);
    await vet.get(`/c/${clinic.slug}/records/${recordId}`);
    const path = `/c/${clinic.slug}/records/${recordId}/attachments`;

    const pdf = pdfBytes(25 * MB - 400);
    for (let i = 0; i < 3; i++) {
      const res = await measure(`PDF upload #${i + 1}`, pdf.length, () =>
        uploadFile(vet, path, { name: 'big.pdf', type: 'application/pdf', data: pdf }),
      );
      if (res.status !== 201) throw new Error(`PDF upload: ${res.status} ${res.text}`);
    }

    const jpeg = await noisyJpeg(25 * MB - 1024);
    const meta = await sharp(jpeg).metadata();
    console.log(`JPEG fixture: ${(jpeg.length / MB).toFixed(1)} MB, ${meta.width}x${meta.height}`);
    for (let i = 0; i < 2; i++) {
      const res = await measure(`JPEG upload #${i + 1}`, jpeg.length, () =>
        uploadFile(vet, path, { name: 'big.jpg', type: 'image/jpeg', data: jpeg }),
      );
      if (res.status !== 201) throw new Error(`JPEG upload: ${res.status} ${res.text}`);
    }

    await measure('processImage only (strip + re-encode + thumbnail)', jpeg.length, () =>
      processImage(jpeg, 'image/jpeg', 50_000_000),
    );
    // A noisy 12 MP frame: nothing for the JPEG encoder to shortcut, like a real phone photo.
    const phone = await sharp(randomBytes(4032 * 3024 * 3), {
      raw: { width: 4032, height: 3024, channels: 3 },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      await sharp(phone).resize(320, 320, { fit: 'inside' }).jpeg({ quality: 78 }).toBuffer();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(
      `thumbnail of a 12 MP phone JPEG: median ${times.sort((a, b) => a - b)[2].toFixed(0)} ms (5 runs)`,
    );
  } finally {
    await app.close();
    for (const step of teardown.reverse()) await step().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
