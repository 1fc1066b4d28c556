import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { dayAhead, openOnlineBooking } from '../harness/online-booking.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';
import { waitForMail } from '../harness/mail-server.js';

describe('an owner books online while the front desk watches the calendar', () => {
  const t = sharedApp();
  let browser: Browser;
  let clinic: TestClinic;

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ timeZone: 'Europe/Madrid' }),
    ]);
    await openOnlineBooking(clinic);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows the owner’s booking live on the front desk’s calendar, marked online', async () => {
    const date = dayAhead(clinic, 4);
    const desk = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    await signInPage(desk, t.url, clinic.frontdesk.email);
    await desk.goto(`${t.url}/c/${clinic.slug}/calendar?date=${date}`);
    await desk.waitForFunction(
      () => document.getElementById('calendar-live')?.dataset.live === 'on',
    );

    // The owner, on a phone, with the keyboard only.
    const ownerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const owner = await ownerContext.newPage();
    await owner.goto(`${t.url}/book/${clinic.slug}?date=${date}`);
    await owner.getByRole('heading', { name: `Book an appointment at ${clinic.name}` }).waitFor();
    const slot = owner.getByRole('radio', { name: /^11:00\sAM/ });
    await slot.focus();
    await owner.keyboard.press('Space');
    expect(await slot.isChecked()).toBe(true);
    await owner.getByLabel('Your first name').fill('Lucía');
    await owner.getByLabel('Your last name').fill('Browser');
    await owner.getByLabel('Email').fill('lucia.browser@example.com');
    await owner.getByLabel('Phone').fill('+34 611 222 333');
    await owner.getByLabel("Your pet's name").fill('Nala');
    await owner.getByLabel('Species').selectOption('cat');
    await owner.screenshot({ path: join(ARTIFACTS, 'online-booking-phone.png'), fullPage: true });
    await owner.getByRole('button', { name: 'Request this time' }).press('Enter');
    await owner.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect((await ownerContext.cookies()).map((c) => c.name)).not.toContain('vetlane.sid');

    const block = desk.locator('[data-testid="appointment"]', { hasText: 'Nala' });
    await block.waitFor();
    expect(await block.getByTestId('online').textContent()).toBe('online');
    expect(await block.getAttribute('aria-label')).toContain('Booked online');
    expect(await block.textContent()).toMatch(/11:00\sAM–11:20\sAM/);
    await desk.screenshot({ path: join(ARTIFACTS, 'online-booking-calendar.png') });

    const { rows } = await adminQuery(
      superuserUrl(),
      `select source from appointments a join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
        where a.tenant_id = $1 and p.name = 'Nala'`,
      [clinic.id],
    );
    expect(rows).toEqual([{ source: 'online' }]);

    // The owner opens the emailed link and confirms; the confirmation arrives by SMTP.
    const [verification] = await waitForMail('lucia.browser@example.com');
    const link = new URL(/https?:\/\/\S+\/book\/\S+/.exec(verification.text)![0]);
    await owner.goto(`${t.url}${link.pathname}${link.search}`);
    await owner.getByRole('button', { name: 'Confirm the booking' }).click();
    await owner.getByRole('heading', { name: 'Your booking is confirmed' }).waitFor();
    const mails = await waitForMail('lucia.browser@example.com', { count: 2 });
    const confirmation = mails.find((m) => m !== mails[0] && m.subject !== verification.subject);
    expect(confirmation?.text).toContain('Nala');
    expect(await block.getByTestId('online').count()).toBe(1);
  });
});
