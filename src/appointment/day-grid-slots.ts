import type { DayView } from './calendar.service.js';

/** What the slots need from the view engine: the page's messages and Handlebars' escaping. */
export interface SlotText {
  t(key: string, params?: Record<string, unknown>): string;
  escape(value: string): string;
}

/**
 * The day grid's time labels and empty slots (a slot per quarter hour per column: click or
 * Enter books it, arrow keys move between them) for views/partials/appointment/day-grid.hbs.
 * They are most of a day page, and a nested Handlebars `each` with a lookup per attribute
 * was most of its rendering; here each column's and each row's attributes are built once and
 * the slots in one pass. The markup is what the template wrote (calendar.js and
 * booking-panel.js read its data attributes).
 */
export function daySlotsHtml(day: Pick<DayView, 'date' | 'columns' | 'rows'>, text: SlotText) {
  const { escape } = text;
  const date = escape(day.date);
  const shadeLabel = {
    closed: ` (${escape(text.t('calendar.shade.closed'))})`,
    blocked: ` (${escape(text.t('calendar.shade.blocked'))})`,
  };
  const columns = day.columns.map((c) => ({
    name: c.name,
    style: `style="grid-column: ${c.index}; grid-row: `,
    data: `data-column="${escape(c.id)}" data-col="${c.index}" data-row="`,
  }));
  let html = '';
  day.rows.forEach((row, r) => {
    const hour = row.isHour ? ' hour' : '';
    const rowData =
      `${row.index}" data-date="${date}" data-time="${escape(row.time)}" ` +
      `data-starts-at="${escape(row.startsAt)}" role="button" tabindex="`;
    html +=
      `    <div class="cal-time ${row.isHour ? 'hour' : ''}" style="grid-column: 1; grid-row: ${row.index};">` +
      `${row.isHour ? escape(row.label) : ''}</div>\n    `;
    row.shades.forEach((shade, c) => {
      const column = columns[c];
      const label = text.t('booking.bookSlot', { time: row.label, name: column.name });
      html +=
        `<div class="cal-slot${hour}${shade ? ` ${shade}` : ''}" ${column.style}${row.index};" ` +
        `${column.data}${rowData}${r === 0 && c === 0 ? '0' : '-1'}" ` +
        `aria-label="${escape(label)}${shade ? shadeLabel[shade] : ''}"></div>`;
    });
    html += '\n';
  });
  return html;
}
