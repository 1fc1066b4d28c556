import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the front desk in a browser', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([launchBrowser(), createClinic({ locale: 'es' })]);
    page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    await signInPage(page, t.url, clinic.frontdesk.email);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('registers a client and a dog that bites with the keyboard, then finds it from the header', async () => {
    await page.goto(`${t.url}/c/${clinic.slug}/clients/new`);
    await page.getByLabel('Nombre').fill('Begoña');
    await page.getByLabel('Apellidos').fill('Etxeberria');
    await page.getByLabel('Correo electrónico').fill('bego@');
    await page.keyboard.press('Enter');
    expect(await page.locator('#email-error').textContent()).toMatch(/nombre@ejemplo.com/);
    await page.getByLabel('Correo electrónico').fill('bego@example.com');
    await page.screenshot({ path: join(ARTIFACTS, 'client-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Crear cliente' }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);

    await page.getByRole('link', { name: 'Añadir mascota' }).click();
    await page.getByLabel('Nombre').fill('Txakur');
    await page.getByLabel('Especie').selectOption('dog');
    await page.getByLabel('Alertas').fill('Muerde');
    await page.getByRole('button', { name: 'Añadir mascota' }).click();
    await page.waitForURL(/\/pets\/[0-9a-f-]{36}$/);
    expect(await page.locator('#pet-alerts').textContent()).toContain('Muerde');
    await page.screenshot({ path: join(ARTIFACTS, 'pet-page.png'), fullPage: true });

    await page.locator('#header-search').fill('begona');
    await page.locator('#header-search').press('Enter');
    await page.waitForURL(/\/search\?q=begona/);
    expect(await page.getByRole('link', { name: 'Begoña Etxeberria' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Txakur' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'search.png'), fullPage: true });
  });

  it('shows the API documentation page under its security policy', async () => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${t.url}/api/docs`);
    await page.waitForSelector('.opblock', { timeout: 15000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(ARTIFACTS, 'api-docs.png') });
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
