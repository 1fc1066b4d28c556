import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { book, createClinic, type TestClinic } from '../harness/factories.js';
import { pdfBytes } from '../harness/records.js';
import { sharedApp } from '../harness/shared-app.js';

describe('a vet in the browser', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let browser: Browser;
  const files = mkdtempSync(join(tmpdir(), 'vetlane-upload-'));

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ timeZone: 'America/New_York' }),
    ]);
    writeFileSync(
      join(files, 'wound.jpg'),
      await sharp({ create: { width: 900, height: 600, channels: 3, background: '#b5523b' } })
        .jpeg()
        .toBuffer(),
    );
    writeFileSync(join(files, 'bloodwork.pdf'), pdfBytes());
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('writes a record for a pet, uploads a photo and a lab PDF, sees the thumbnail and opens the image', async () => {
    const petId = clinic.pets[0].id;
    const appointmentId = await book(clinic, {
      startsAt: new Date(Date.now() - 3 * 365 * 86_400_000),
    });
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    await signInPage(page, t.url, clinic.vet.email);

    // The vet opens the appointment and writes its record from there.
    await page.goto(`${t.url}/c/${clinic.slug}/appointments/${appointmentId}`);
    await page.getByRole('link', { name: 'Write medical record' }).click();
    await page.waitForURL(new RegExp(`/pets/${petId}/records\\?appointmentId=${appointmentId}`));
    expect(await page.locator('#rf-appointment').inputValue()).toBe(appointmentId);
    await page.getByLabel('Reason / summary').fill('Bite wound on the neck');
    await page.getByRole('textbox', { name: 'Weight', exact: true }).fill('8.3');
    await page.getByLabel('Temperature (°C)').fill('39.1');
    await page.getByRole('textbox', { name: 'Assessment' }).fill('Infected bite wound');
    await page.getByRole('button', { name: 'Create record' }).click();
    await page.waitForURL(/\/records\/[0-9a-f-]{36}$/);

    await page
      .getByLabel('Add photos or PDFs')
      .setInputFiles([join(files, 'wound.jpg'), join(files, 'bloodwork.pdf')]);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForSelector('#upload-progress progress'); // one bar per file
    // All done: the page reloads and shows the thumbnail and the PDF.
    const thumbnail = page.locator('img[src*="/thumbnail"]');
    await thumbnail.waitFor({ timeout: 15000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[src*="/thumbnail"]');
      return Boolean(img?.complete && img.naturalWidth);
    });
    expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
    await page.getByText('bloodwork.pdf').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'record-with-attachments.png'), fullPage: true });

    const [imageTab] = await Promise.all([context.waitForEvent('page'), thumbnail.click()]);
    await imageTab.waitForLoadState();
    expect(imageTab.url()).toMatch(
      new RegExp(`/c/${clinic.slug}/files/[0-9a-f-]{36}\\?v=view&exp=\\d+&sig=`),
    );
    const size = await imageTab.evaluate(() => {
      const img = document.querySelector('img');
      return img ? [img.naturalWidth, img.naturalHeight] : null;
    });
    expect(size).toEqual([900, 600]);
    await imageTab.screenshot({ path: join(ARTIFACTS, 'record-image-opened.png') });
    await context.close();
  });
});
