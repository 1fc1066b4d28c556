import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { sharedApp } from '../harness/shared-app.js';

describe('a front-desk morning in the browser', () => {
  const t = sharedApp();
  let browser: Browser;
  let clinic: TestClinic;
  const date = '2031-11-04';

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ timeZone: 'America/New_York', pets: 4 }),
    ]);
  });
  afterAll(async () => {
    await browser.close();
  });

  it("books through the form and the vet's open day view shows it live, without reload", async () => {
    const vetContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const deskContext = await browser.newContext({ viewport: { width: 1024, height: 768 } }); // a front-desk tablet
    const vet = await vetContext.newPage();
    const desk = await deskContext.newPage();
    await Promise.all([
      signInPage(vet, t.url, clinic.vet.email),
      signInPage(desk, t.url, clinic.frontdesk.email),
    ]);

    await vet.goto(`${t.url}/c/${clinic.slug}/calendar?date=${date}`);
    await vet.waitForFunction(
      () => document.getElementById('calendar-live')?.dataset.live === 'on',
    );
    expect(await vet.getByRole('heading', { level: 1 }).textContent()).toContain(
      'Tuesday, November 4, 2031',
    );
    await vet.evaluate(
      () => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true),
    );

    await desk.goto(`${t.url}/c/${clinic.slug}/appointments/new?date=${date}`);
    await desk.getByLabel('Find a pet or client').fill(clinic.pets[2].name.slice(0, 6));
    await desk
      .getByRole('region', { name: 'Patient' })
      .getByRole('button', { name: 'Search' })
      .click();
    await desk.getByRole('link', { name: new RegExp(clinic.pets[2].name) }).click();
    await desk.getByLabel('Vet').selectOption({ label: clinic.vets[0].name });
    await desk.getByLabel('Start time').fill('10:30');
    await desk.getByLabel('Reason for the visit').fill('Vomiting since yesterday');
    await Promise.all([
      desk.waitForURL(/\/appointments\/[0-9a-f-]{36}/),
      desk.getByRole('button', { name: 'Book', exact: true }).click(),
    ]);
    expect(await desk.getByTestId('status').textContent()).toBe('Booked');

    // No time limit asserted (a busy machine decides that); the page must not have reloaded.
    const block = vet.locator('[data-testid="appointment"]', { hasText: clinic.pets[2].name });
    await block.waitFor();
    expect(await block.textContent()).toContain('10:30–10:50');
    expect(
      await vet.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage),
    ).toBe(true);
    await vet.screenshot({ path: join(ARTIFACTS, 'day-view.png'), fullPage: true });
    await Promise.all([vetContext.close(), deskContext.close()]);
  });
});
