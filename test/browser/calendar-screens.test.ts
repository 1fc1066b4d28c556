import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { book, createClinic, type TestClinic } from '../harness/factories.js';
import { ARTIFACTS, launchBrowser, signInPage } from '../harness/browser.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
];

/** Layout facts of the day view, read in the page (no pixels compared). */
function layout(page: Page) {
  return page.evaluate(() => {
    const grid = document.querySelector('.calendar') as HTMLElement;
    const box = grid.getBoundingClientRect();
    const heads = Array.from(document.querySelectorAll('.cal-col-head')).map((h) =>
      h.getBoundingClientRect(),
    );
    const nowLine = document.querySelector('.cal-now') as HTMLElement;
    const now = nowLine.getBoundingClientRect();
    const quarter = document.querySelector(
      `.cal-slot[data-row="${nowLine.dataset.row}"]`,
    ) as HTMLElement;
    const quarterStart = Date.parse(quarter.dataset.startsAt!);
    const nowInItsQuarter = Date.now() >= quarterStart && Date.now() < quarterStart + 15 * 60_000;
    grid.scrollLeft = grid.scrollWidth;
    const all = document.querySelectorAll('.cal-col-head');
    const afterHead = all[all.length - 1].getBoundingClientRect();
    const times = Array.from(document.querySelectorAll('.cal-time')).map((t) =>
      t.getBoundingClientRect(),
    );
    const visibleTime = times.find((t) => t.top >= box.top + 30 && t.bottom <= box.bottom)!;
    const firstHead = document.querySelectorAll('.cal-col-head')[0].getBoundingClientRect();
    return {
      columns: heads.length,
      narrowest: Math.min(...heads.map((h) => h.width)),
      scrolledToNow: now.top >= box.top && now.bottom <= box.bottom && grid.scrollTop > 0,
      nowInItsQuarter,
      scrolledSideways: grid.scrollLeft > 0,
      timeAxisStuck: Math.abs(visibleTime.left - box.left) < 4,
      headerStuck: Math.abs(firstHead.top - box.top) < 4 && afterHead.top - box.top < 4,
      closedShaded: document.querySelectorAll('.cal-slot.closed').length,
      blockedShaded: document.querySelectorAll('.cal-slot.blocked').length,
    };
  });
}

describe('the calendar and today board on a tablet and a laptop', () => {
  const t = sharedApp();
  let browser: Browser;
  let clinic: TestClinic;

  beforeAll(async () => {
    // A zone where it is around noon now, so "now" is inside the day shown.
    const offset = 12 - new Date().getUTCHours();
    const timeZone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    const hours = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [
      { weekday, opens: '08:00', closes: '14:00' },
      { weekday, opens: '15:00', closes: '20:00' },
    ]);
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      createClinic({ timeZone, hours, vets: 11, pets: 4 }),
    ]);
    const at = (m: number) => new Date(Date.now() + m * 60_000);
    await book(clinic, { startsAt: at(-30), pet: clinic.pets[0] });
    await book(clinic, { startsAt: at(30), pet: clinic.pets[1], staffId: clinic.vets[2].id });
    await book(clinic, { startsAt: at(45), pet: clinic.pets[2], minutes: 60 });
    await adminQuery(
      superuserUrl(),
      `insert into closures (tenant_id, starts_at, ends_at, staff_id, reason)
       values ($1, ((now() at time zone $3)::date + time '16:00') at time zone $3,
                   ((now() at time zone $3)::date + time '17:00') at time zone $3, $2, 'Training')`,
      [clinic.id, clinic.vets[3].id, clinic.timeZone],
    );
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    it(`keeps 11 columns usable at ${size}: opens at now, sticky time axis and headers, shading`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await signInPage(page, t.url, clinic.frontdesk.email);
      await page.goto(`${t.url}/c/${clinic.slug}/calendar`);
      await page.screenshot({ path: join(ARTIFACTS, `day-view-${size}.png`) });
      const facts = await layout(page);
      expect(facts).toEqual({
        columns: 11,
        narrowest: expect.any(Number),
        scrolledToNow: true,
        nowInItsQuarter: true,
        scrolledSideways: true,
        timeAxisStuck: true,
        headerStuck: true,
        closedShaded: 11 * 4, // 14:00–15:00 in every column
        blockedShaded: 4, // 16:00–17:00 training for one vet
      });
      expect(facts.narrowest).toBeGreaterThanOrEqual(140);
      await page.screenshot({ path: join(ARTIFACTS, `day-view-${size}-scrolled.png`) });
      // A 20-minute block reads on one line: time, pet and owner.
      const short = page.locator('.cal-appt.short', { hasText: clinic.pets[1].name });
      expect(await short.textContent()).toContain(clinic.pets[1].owner);
      // The start time is never cut off, however narrow the column.
      const time = await short.evaluate((a) => {
        const box = a.getBoundingClientRect();
        const t = a.querySelector('.cal-appt-time')!.getBoundingClientRect();
        return {
          inside: t.right <= box.right,
          text: a.querySelector('.cal-appt-time')!.textContent,
        };
      });
      expect(time.inside).toBe(true);
      // English pages read the 12-hour clock, as everywhere else ("1:15 PM–1:35 PM").
      expect(time.text).toMatch(/^\d{1,2}:\d{2}\s[AP]M–\d{1,2}:\d{2}\s[AP]M$/);
      // …and its type and status show on focus (as on hover), with the whole story in its title.
      const meta = short.locator('.cal-appt-meta');
      expect(await meta.isVisible()).toBe(false);
      await short.focus();
      expect(await meta.isVisible()).toBe(true);
      expect(await short.getAttribute('title')).toContain(clinic.pets[1].owner);
      await page.goto(`${t.url}/c/${clinic.slug}/today`);
      await page.screenshot({ path: join(ARTIFACTS, `today-board-${size}.png`) });
      await context.close();
    });
  }

  it('shows only my column, or the columns I choose, and remembers it', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    await signInPage(page, t.url, clinic.vet.email);
    await page.goto(`${t.url}/c/${clinic.slug}/calendar`);
    await page.getByRole('button', { name: 'My column' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.cal-col-head').allTextContents()).toEqual([
      `${clinic.vets[0].name} (you)`,
    ]);
    await page.goto(`${t.url}/c/${clinic.slug}/calendar`);
    expect(await page.locator('.cal-col-head').count()).toBe(1);
    await page.getByText('Columns (1/11)').click();
    await page.getByRole('button', { name: 'Show all' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.cal-col-head').count()).toBe(11);
    await context.close();
  });

  it("follows the clinic's column order, which a manager changes with the keyboard in settings", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const [manager, desk] = [await context.newPage(), await (await browser.newContext()).newPage()];
    await signInPage(manager, t.url, clinic.manager.email);
    await signInPage(desk, t.url, clinic.frontdesk.email);
    const heads = async () => {
      await desk.goto(`${t.url}/c/${clinic.slug}/calendar`);
      return desk.locator('.cal-col-head').allTextContents();
    };
    const before = await heads();
    await manager.goto(`${t.url}/c/${clinic.slug}/settings/staff`);
    await manager.getByRole('button', { name: `Move ${before[2]} up` }).focus();
    await manager.keyboard.press('Enter');
    await manager.waitForURL(/saved=1/);
    expect(await heads()).toEqual([before[0], before[2], before[1], ...before.slice(3)]);
    await manager
      .locator('#column-order')
      .screenshot({ path: join(ARTIFACTS, 'settings-column-order-1024x768.png') });
    await manager.goto(`${t.url}/c/${clinic.slug}/settings/staff`);
    await manager.getByRole('button', { name: 'Back to the default order (vets first)' }).focus();
    await manager.keyboard.press('Enter');
    await manager.waitForURL(/saved=1/);
    expect(await heads()).toEqual(before);
    await context.close();
    await desk.context().close();
  });

  it('moves a patient along the today board and another desk sees it live', async () => {
    const [one, two] = await Promise.all([browser.newContext(), browser.newContext()]);
    const desk = await one.newPage();
    const other = await two.newPage();
    await signInPage(desk, t.url, clinic.frontdesk.email);
    await signInPage(other, t.url, clinic.manager.email);
    await other.goto(`${t.url}/c/${clinic.slug}/today`);
    await other.waitForFunction(
      () => document.getElementById('calendar-live')?.dataset.live === 'on',
    );
    await other.evaluate(() => ((window as unknown as { same: boolean }).same = true));
    await desk.goto(`${t.url}/c/${clinic.slug}/today`);
    const row = (page: Page) =>
      page.locator('tr', { hasText: clinic.pets[1].name }).locator('.badge.stage');
    expect(await row(desk).textContent()).toBe('Booked');
    await desk
      .locator('tr', { hasText: clinic.pets[1].name })
      .getByRole('button', { name: 'Check in' })
      .click();
    await desk.waitForLoadState();
    expect(await row(desk).textContent()).toBe('Arrived');
    await other.waitForFunction(
      (pet) =>
        Array.from(document.querySelectorAll('tr')).some(
          (tr) => tr.textContent!.includes(pet) && tr.textContent!.includes('Arrived'),
        ),
      clinic.pets[1].name,
    );
    expect(await other.evaluate(() => (window as unknown as { same?: boolean }).same)).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });
});
