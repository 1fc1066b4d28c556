import { beforeAll, describe, expect, it } from '@jest/globals';
import { ClinicTime } from '../../src/clinic/clinic-time.js';
import { book, createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

/**
 * What a person reads on a page: its text, its aria-labels and titles. Never form values,
 * data-* or datetime attributes, which stay HH:mm and ISO for the machines.
 */
function shownText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, (tag) =>
      [...tag.matchAll(/\s(?:aria-label|title)="([^"]*)"/g)].map((m) => ` ${m[1]} `).join(' '),
    );
}

/** Every time of day on the page, with its AM/PM when it has one ("1:15 PM", "13:15"). */
const timesOfDay = (html: string) =>
  shownText(html).match(/\b\d{1,2}:\d{2}\b(?:\s?[AaPp]\.?\s?[Mm]\.?)?/g) ?? [];

describe("the calendar and the today board in the page language's clock", () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let english: WebClient;
  let spanish: WebClient;
  const today = ClinicTime.today('UTC');

  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'UTC', pets: 2 });
    // A short check-up after lunch and a long surgery in the morning.
    await book(clinic, { startsAt: ClinicTime.toInstant(today, '13:15', 'UTC'), minutes: 15 });
    await book(clinic, {
      startsAt: ClinicTime.toInstant(today, '09:00', 'UTC'),
      minutes: 60,
      pet: clinic.pets[1],
      staffId: clinic.vets[1].id,
    });
    // The same clinic read in Spanish by its manager: the pages are cached per language.
    await adminQuery(superuserUrl(), `update users set locale = 'es' where email = $1`, [
      clinic.manager.email,
    ]);
    english = new WebClient(t.url);
    spanish = new WebClient(t.url);
    await english.signIn(clinic.frontdesk.email);
    await spanish.signIn(clinic.manager.email);
  });

  const pages = () => [
    `/c/${clinic.slug}/calendar?date=${today}`,
    `/c/${clinic.slug}/calendar?date=${today}&by=room`,
    `/c/${clinic.slug}/calendar/grid?date=${today}&by=staff`,
    `/c/${clinic.slug}/calendar?date=${today}&view=week`,
    `/c/${clinic.slug}/today`,
    `/c/${clinic.slug}/today/board`,
    `/c/${clinic.slug}/calendar/panel?date=${today}&time=13:15&staffId=${clinic.vets[0].id}`,
  ];

  it('shows English grids, week and today board with AM/PM, never a 24-hour label', async () => {
    for (const path of pages()) {
      const page = await english.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      const times = timesOfDay(page.text);
      expect({ path, bare: times.filter((s) => !/[AP]M$/.test(s)) }).toEqual({ path, bare: [] });
    }
    const day = await english.get(pages()[0]);
    expect(shownText(day.text)).toMatch(/1:15\sPM–1:30\sPM/);
    expect(shownText(day.text)).toMatch(/9:00\sAM–10:00\sAM/);
    // Row labels on the hour, and every slot's accessible name.
    expect(day.text).toMatch(/class="cal-time hour"[^>]*>1:00\sPM</);
    expect(day.text).toMatch(/data-time="13:15"[^>]*aria-label="[^"]*1:15\sPM/);
    const week = await english.get(pages()[3]);
    expect(shownText(week.text)).toMatch(/1:15\sPM/);
    const board = await english.get(pages()[5]);
    expect(shownText(board.text)).toMatch(/1:15\sPM/);
  });

  it('shows Spanish ones on the 24-hour clock, never with AM/PM', async () => {
    for (const path of pages()) {
      const page = await spanish.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      const times = timesOfDay(page.text);
      expect({ path, withAmPm: times.filter((s) => /[AaPp]\.?\s?[Mm]/.test(s)) }).toEqual({
        path,
        withAmPm: [],
      });
      expect(shownText(page.text)).not.toMatch(/\b[AP]M\b|\b[ap]\.\s?m\./);
    }
    const day = await spanish.get(pages()[0]);
    expect(shownText(day.text)).toContain('13:15–13:30');
    expect(day.text).toMatch(/class="cal-time hour"[^>]*>13:00</);
    const week = await spanish.get(pages()[3]);
    expect(shownText(week.text)).toContain('13:15');
  });

  it('keeps the machine values HH:mm and ISO in both languages', async () => {
    for (const web of [english, spanish]) {
      const day = await web.get(pages()[0]);
      expect(day.text).toContain('data-time="13:15"');
      expect(day.text).toContain(`data-starts-at="${today}T13:15:00.000Z"`);
      const panel = await web.get(pages()[6]);
      expect(panel.text).toMatch(/name="time"[^>]*value="13:15"|value="13:15"[^>]*name="time"/);
    }
  });
});
