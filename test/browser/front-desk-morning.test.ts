import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { book, createClinic, createPriceItem, type TestClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
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
    expect(await block.textContent()).toMatch(/10:30\sAM–10:50\sAM/);
    expect(
      await vet.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage),
    ).toBe(true);
    await vet.screenshot({ path: join(ARTIFACTS, 'day-view.png'), fullPage: true });
    await Promise.all([vetContext.close(), deskContext.close()]);
  });

  it('completes a visit, checks out, takes a partial card payment and prints the receipt', async () => {
    const service = await createPriceItem(clinic, {
      code: 'CONS',
      name: 'Consultation',
      priceMinor: 8000,
    });
    await adminQuery(
      superuserUrl(),
      `update appointment_types set default_service_id = $2 where id = $1`,
      [clinic.consult, service],
    );
    const pet = clinic.pets[3];
    const visit = await book(clinic, {
      pet,
      startsAt: new Date('2031-11-05T15:00:00Z'),
      status: 'in_progress',
    });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const vet = await context.newPage();
    await signInPage(vet, t.url, clinic.vet.email);
    await vet.goto(`${t.url}/c/${clinic.slug}/appointments/${visit}`);
    await Promise.all([
      vet.waitForLoadState(),
      vet.getByRole('button', { name: 'Complete' }).click(),
    ]);
    expect(await vet.getByTestId('status').textContent()).toBe('Completed');
    await vet.getByRole('link', { name: 'Charges and checkout' }).click();
    // The visit type's service is already chosen: one click adds it.
    await Promise.all([
      vet.waitForURL(/\/charges$/),
      vet.getByRole('button', { name: 'Add charge' }).click(),
    ]);
    expect(await vet.getByTestId('visit-charges').textContent()).toContain('Consultation');
    await context.close();

    const deskContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const desk = await deskContext.newPage();
    await signInPage(desk, t.url, clinic.frontdesk.email);
    await desk.goto(`${t.url}/c/${clinic.slug}/appointments/${visit}/charges`);
    await desk.getByTestId('checkout-link').click();
    await Promise.all([
      desk.waitForURL(/\/invoices\//),
      desk.getByRole('button', { name: 'Issue invoice' }).click(),
    ]);
    expect(await desk.getByTestId('invoice-number').textContent()).toBe('INV-000001');
    expect(await desk.getByTestId('invoice-total').textContent()).toBe('$80.00');
    await desk.getByRole('textbox', { name: 'Amount' }).fill('50');
    await desk.getByLabel('Method').selectOption('card');
    await Promise.all([
      desk.waitForURL(/paid=1/),
      desk.getByRole('button', { name: 'Record payment' }).click(),
    ]);
    expect(await desk.getByTestId('invoice-paid').textContent()).toBe('$50.00');
    expect(await desk.getByText('Still due: $30.00').count()).toBe(1);

    await desk.getByTestId('print-link').click();
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.getByTestId('invoice-document').isVisible()).toBe(true);
    expect(await desk.locator('.topbar').isVisible()).toBe(false);
    expect(await desk.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    await desk.screenshot({ path: join(ARTIFACTS, 'invoice-print.png'), fullPage: true });
    await deskContext.close();
  });

  it("ends with the manager reading the morning in the audit log, as sentences in the clinic's time", async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const manager = await context.newPage();
    await signInPage(manager, t.url, clinic.manager.email);
    await manager.goto(`${t.url}/c/${clinic.slug}/audit?entity=appointment`);
    const booked = manager.locator('tr[data-action="appointment.created"]', {
      hasText: clinic.pets[2].name,
    });
    expect(await booked.count()).toBe(1);
    const row = await booked.textContent();
    expect(row).toContain(`${clinic.frontdesk.name} booked an appointment`);
    // New York time, in the page's one format; no codes or JSON.
    expect(row).toMatch(/Nov 4, 2031, 10:30\sAM/);
    expect(row).not.toMatch(/appointment\.created|staffId|[{}"]/);
    await manager.screenshot({ path: join(ARTIFACTS, 'audit-log.png'), fullPage: true });
    await context.close();
  });
});
