import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import hbs from 'hbs';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { AppointmentQueries } from '../../src/appointment/appointment.queries.js';
import { daySlotsHtml } from '../../src/appointment/day-grid-slots.js';
import { ClinicTime } from '../../src/clinic/clinic-time.js';
import { VIEWS_DIR } from '../../src/common/paths.js';
import type { TenantTx } from '../../src/database/tenant-db.js';

/**
 * The raw baseline of `npm run bench`: node:http + pg + Handlebars, no framework, no session,
 * no cache. `GET /day?tenant=<id>&zone=<zone>&date=YYYY-MM-DD` runs the day view's SQL (the
 * very AppointmentQueries.inRange of the app, in a transaction with set_tenant, through the
 * same pgBouncer as the runtime role) plus the vets' list, and renders the same day-grid
 * template. Started by capacity.ts as its own process: DATABASE_URL, PORT.
 */
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const handlebars = hbs.handlebars;
handlebars.registerHelper('t', (key: string) => key);
handlebars.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
handlebars.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
handlebars.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).find(Boolean) ?? false);
// The app's slots helper: a bookable slot per quarter hour per column, as the app's grid has
// (rendering them is most of a day page; without them the baseline's page was a tenth of the
// app's bytes, not a comparable render). No shading: the baseline reads no opening hours.
handlebars.registerHelper(
  'daySlots',
  (day: Parameters<typeof daySlotsHtml>[0]) =>
    new handlebars.SafeString(
      daySlotsHtml(day, { t: (key) => key, escape: handlebars.escapeExpression }),
    ),
);
const grid = handlebars.compile(
  readFileSync(join(VIEWS_DIR, 'partials', 'appointment', 'day-grid.hbs'), 'utf8'),
);
const STEP = 15 * 60_000;

async function day(tenantId: string, zone: string, date: string): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select set_tenant($1)', [tenantId]);
    const manager = {
      query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
    } as unknown as EntityManager;
    const tx = { tenantId, manager } as TenantTx;
    const { rows: staff } = await client.query<{ id: string; name: string }>(
      'select id, name from staff where tenant_id = $1 and active and takes_appointments order by name',
      [tenantId],
    );
    const range = ClinicTime.dayRange(date, zone);
    const appointments = await AppointmentQueries.inRange(tx, range);
    await client.query('commit');
    const columns = staff.map((s, i) => ({ ...s, index: i + 2 }));
    const start = ClinicTime.toInstant(date, '08:00', zone).getTime();
    const clock = ClinicTime.clock(zone, range);
    const rows = [];
    for (let t = start, i = 2; t < start + 10 * 3_600_000; t += STEP, i++) {
      const label = clock.time(new Date(t));
      rows.push({
        index: i,
        label,
        time: label,
        startsAt: new Date(t).toISOString(),
        isHour: label.endsWith(':00'),
        shades: columns.map(() => null),
      });
    }
    const placed = appointments.map((a) => ({
      ...a,
      column: columns.find((c) => c.id === a.staffId)?.index ?? 2,
      row: 2 + Math.max(0, Math.floor((a.startsAt.getTime() - start) / STEP)),
      span: Math.max(1, Math.ceil((a.endsAt.getTime() - a.startsAt.getTime()) / STEP)),
      time: clock.time(a.startsAt),
      endTime: clock.time(a.endsAt),
    }));
    const body = grid({
      day: { date, columns, rows, placed, inactive: [] },
      clinic: { slug: 'raw' },
    });
    return `<!doctype html><html><head><meta charset="utf-8"><title>Day</title></head><body><main>${body}</main></body></html>`;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const q = (name: string) => url.searchParams.get(name) ?? '';
    day(q('tenant'), q('zone') || 'UTC', q('date')).then(
      (html) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      },
      (err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      },
    );
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
