import { describe, expect, it } from '@jest/globals';
import hbs from 'hbs';
import { LOCALES, Translator } from '../i18n/i18n.js';
import type { Shade } from './calendar-columns.js';
import type { DayView } from './calendar.service.js';
import { daySlotsHtml } from './day-grid-slots.js';

/** The slots as views/partials/appointment/day-grid.hbs wrote them with a nested `each`. */
const NESTED_EACH = `  {{#each day.rows}}
    <div class="cal-time {{#if isHour}}hour{{/if}}" style="grid-column: 1; grid-row: {{index}};">{{#if isHour}}{{label}}{{/if}}</div>
    {{#each cells}}<div class="cal-slot{{#if ../isHour}} hour{{/if}}{{#if shade}} {{shade}}{{/if}}" style="grid-column: {{index}}; grid-row: {{../index}};" data-column="{{id}}" data-col="{{index}}" data-row="{{../index}}" data-date="{{../../day.date}}" data-time="{{../time}}" data-starts-at="{{../startsAt}}" role="button" tabindex="{{#if (and @first @../first)}}0{{else}}-1{{/if}}" aria-label="{{t "booking.bookSlot" time=../label name=name}}{{#if shade}} ({{t (concat "calendar.shade." shade)}}){{/if}}"></div>{{/each}}
  {{/each}}
`;

const translator = new Translator();
const handlebars = hbs.create().handlebars;
handlebars.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
handlebars.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
const nestedEach = handlebars.compile(NESTED_EACH);

const columns = [
  { id: 'vet-1', name: 'Dra. Núñez & "Hijos"', mine: false, shown: true, index: 2 },
  { id: 'vet-2', name: '<b>Dr. Who</b>', mine: true, shown: true, index: 3 },
];
const row = (index: number, time: string, startsAt: string, shades: Shade[]) => ({
  index,
  label: time,
  time,
  startsAt,
  isHour: time.endsWith(':00'),
  shades,
});
/** The autumn change in Madrid: 02:00 twice. */
const day: Pick<DayView, 'date' | 'columns' | 'rows'> = {
  date: '2026-10-25',
  columns,
  rows: [
    row(2, '01:45', '2026-10-24T23:45:00.000Z', ['closed', 'closed']),
    row(3, '02:00', '2026-10-25T00:00:00.000Z', [null, 'blocked']),
    row(4, '02:00', '2026-10-25T01:00:00.000Z', [null, null]),
    row(5, '02:15', '2026-10-25T01:15:00.000Z', ['blocked', null]),
  ],
};

describe("the day grid's empty slots", () => {
  it.each(LOCALES)(
    'are the markup the nested template wrote, escaped the same way (%s)',
    (locale) => {
      handlebars.registerHelper('t', (key: string, options: { hash: Record<string, unknown> }) =>
        translator.t(locale, key, options.hash),
      );
      const cells = day.rows.map((row) => ({
        ...row,
        cells: columns.map((c, i) => ({ ...c, shade: row.shades[i] })),
      }));
      const html = daySlotsHtml(day, {
        t: (key, params) => translator.t(locale, key, params),
        escape: handlebars.escapeExpression,
      });
      expect(html).toBe(nestedEach({ day: { ...day, rows: cells } }));
      expect(html).toContain('tabindex="0" aria-label');
      expect(html).toContain('&lt;b&gt;Dr. Who&lt;/b&gt;');
    },
  );

  it('writes only the time labels for rows without slots', () => {
    const bare = { ...day, rows: day.rows.map((r) => ({ ...r, shades: [] })) };
    const html = daySlotsHtml(bare, { t: (key) => key, escape: handlebars.escapeExpression });
    expect(html).not.toContain('cal-slot');
    expect(html.match(/cal-time/g)).toHaveLength(4);
  });
});
