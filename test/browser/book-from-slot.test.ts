import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/** Counts full page loads from now on (fetches and socket messages are not page loads). */
function countPageLoads(page: Page): () => number {
  let loads = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads++;
  });
  return () => loads;
}

describe('booking from a slot of the day view', () => {
  const t = sharedApp();
  let browser: Browser;
  let clinic: TestClinic;
  const date = '2031-11-05';

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ timeZone: 'Europe/Madrid', pets: 4 }),
    ]);
  });
  afterAll(async () => {
    await browser.close();
  });

  async function bookedAt(petId: string) {
    const { rows } = await adminQuery(
      superuserUrl(),
      `select staff_id, type_id, to_char(starts_at at time zone 'Europe/Madrid', 'YYYY-MM-DD HH24:MI') as at
         from appointments where tenant_id = $1 and pet_id = $2`,
      [clinic.id, petId],
    );
    return rows;
  }

  it('books an existing client in 4 actions and no page load: slot, type, pick, save', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await signInPage(page, t.url, clinic.frontdesk.email);
    await page.goto(`${t.url}/c/${clinic.slug}/calendar?date=${date}`);
    await page.waitForFunction(
      () => document.getElementById('calendar-live')?.dataset.live === 'on',
    );
    const pageLoads = countPageLoads(page);
    let actions = 0;
    const act = async (step: Promise<unknown>) => {
      actions++;
      await step;
    };
    const pet = clinic.pets[1];

    await act(
      page.locator(`.cal-slot[data-column="${clinic.vets[1].id}"][data-time="10:00"]`).click(),
    );
    const panel = page.getByTestId('booking-panel');
    await panel.waitFor();
    expect(await panel.getByLabel('Vet').inputValue()).toBe(clinic.vets[1].id);
    expect(await panel.getByLabel('Appointment type').inputValue()).toBe(clinic.consult);
    expect(await panel.getByLabel('Start time').inputValue()).toBe('10:00');
    await act(panel.getByRole('combobox', { name: 'Pet' }).fill(pet.name.slice(0, 5)));
    const option = panel.getByRole('option', { name: new RegExp(pet.name) });
    await act(option.click());
    await page.screenshot({ path: join(ARTIFACTS, 'booking-panel.png') });
    await act(panel.getByRole('button', { name: 'Book', exact: true }).click());

    const block = page.locator('[data-testid="appointment"]', { hasText: pet.name });
    await block.waitFor();
    expect(await block.textContent()).toMatch(/10:00\sAM–10:20\sAM/);
    expect(await page.getByRole('status').filter({ hasText: 'Booked' }).textContent()).toContain(
      pet.name,
    );
    expect({ actions, pageLoads: pageLoads() }).toEqual({ actions: 4, pageLoads: 0 });
    expect(await bookedAt(pet.id)).toEqual([
      { staff_id: clinic.vets[1].id, type_id: clinic.consult, at: `${date} 10:00` },
    ]);
    await context.close();
  });

  it('works from the keyboard, and shows a clash in the panel without losing what was typed', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInPage(page, t.url, clinic.frontdesk.email);
    await page.goto(`${t.url}/c/${clinic.slug}/calendar?date=${date}`);
    const pageLoads = countPageLoads(page);
    // The grid is one tab stop; arrows move between slots, Enter opens the panel.
    const position = async (selector: string) =>
      page.locator(selector).evaluate((el) => ({
        row: Number((el as HTMLElement).dataset.row),
        col: Number((el as HTMLElement).dataset.col),
      }));
    const from = await position('.cal-slot[tabindex="0"]');
    const to = await position(`.cal-slot[data-column="${clinic.vets[1].id}"][data-time="10:00"]`);
    await page.locator('.cal-slot[tabindex="0"]').focus();
    for (let i = from.col; i < to.col; i++) await page.keyboard.press('ArrowRight');
    for (let i = from.row; i < to.row; i++) await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => ({
      ...(document.activeElement as HTMLElement).dataset,
    }));
    expect([focused.column, focused.time]).toEqual([clinic.vets[1].id, '10:00']);
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('booking-panel');
    await panel.waitFor();
    const pet = clinic.pets[2];
    await page.keyboard.type(pet.name.slice(0, 5));
    await panel.getByRole('option', { name: new RegExp(pet.name) }).waitFor();
    await page.keyboard.press('Enter');
    await panel.getByRole('button', { name: 'Book', exact: true }).press('Enter');
    const alert = panel.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('That time is already taken.');
    expect(await panel.getByRole('combobox', { name: 'Pet' }).inputValue()).toContain(pet.name);
    await panel.getByLabel('Start time').fill('11:00');
    await panel.getByRole('button', { name: 'Book', exact: true }).click();
    await page.locator('[data-testid="appointment"]', { hasText: pet.name }).waitFor();
    expect(pageLoads()).toBe(0);
    expect(await bookedAt(pet.id)).toEqual([
      { staff_id: clinic.vets[1].id, type_id: clinic.consult, at: `${date} 11:00` },
    ]);
    await context.close();
  });
});
