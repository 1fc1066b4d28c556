import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { createClient, createClinic, type TestClinic, uniq } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { waitForMail } from '../harness/mail-server.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe("the manager reads the clinic's messages in a browser", () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let browser: Browser;

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ name: `Harbour Vets ${uniq()}` }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the confirmation the owner received under Messages and opens it as the owner sees it', async () => {
    const email = `browser-${uniq()}@example.test`;
    const client = await createClient(clinic, {
      firstName: 'Ana',
      email,
      pets: [{ name: 'Pipa' }],
    });
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    await desk.get(`/c/${clinic.slug}/appointments/new?petId=${client.pets[0].id}`);
    const booked = await desk.post(`/c/${clinic.slug}/appointments`, {
      petId: client.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-09-15',
      time: '11:20',
    });
    expect(booked.status).toBe(303);
    const [mail] = await waitForMail(email);
    // The log shows it once the worker settled it (right after it left).
    for (let i = 0; i < 300; i++) {
      const { rows } = await adminQuery(
        superuserUrl(),
        `select 1 from owner_messages where client_id = $1 and status = 'sent'`,
        [client.id],
      );
      if (rows.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await signInPage(page, t.url, clinic.manager.email);
    await page.goto(`${t.url}/c/${clinic.slug}/calendar`);
    await page.getByTestId('messages-link').click();
    await page.waitForURL(/\/messages$/);
    expect(await page.locator('[data-count="sent"]').textContent()).toBe('1');
    await page.getByRole('link', { name: mail.subject }).click();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('message-to').textContent()).toBe(email);
    const preview = page.frameLocator('iframe');
    expect(await preview.locator('[data-clinic]').textContent()).toBe(clinic.name);
    expect(await preview.getByText('Hello Ana,').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'owner-message.png'), fullPage: true });

    await page.goto(`${t.url}/c/${clinic.slug}/clients/${client.id}`);
    expect(await page.getByTestId('message-log').locator('tr[data-status="sent"]').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'client-delivery-log.png'), fullPage: true });
    await page.close();
  });
});
