import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { AppointmentQueries } from '../../src/appointment/appointment.queries.js';
import { AuditQueries } from '../../src/audit/audit.queries.js';
import { ClinicQueries } from '../../src/clinic/clinic.queries.js';
import { ClinicTime } from '../../src/clinic/clinic-time.js';
import { CompanyQueries } from '../../src/company/company.queries.js';
import { withLiterals } from '../../src/database/literal-sql.js';
import { TenantDb, type TenantTx } from '../../src/database/tenant-db.js';
import { PetQueries, SearchQueries } from '../../src/pet/pet.queries.js';
import { searchTerms } from '../../src/pet/search.terms.js';
import { RecordQueries } from '../../src/record/record.queries.js';
import { TenantQueries } from '../../src/tenant/tenant.queries.js';
import { MessageQueries } from '../../src/message/message.queries.js';
import {
  addHistory,
  addMessageHistory,
  createClinic,
  type TestClinic,
} from '../harness/factories.js';
import { openRuntimeDb } from '../harness/runtime-db.js';

/** One node of `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Actual Loops': number;
  'Actual Rows': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

/** A table this large is never read whole (a smaller one may be, when the planner finds it cheaper). */
const LARGE_TABLE_ROWS = 10_000;
/** A page's query reads a few hundred rows at most; a scan of 3 years reads ~100,000. */
const MAX_REMOVED = 1000;
/** Buffers a query may touch: a fixed allowance plus a few index and heap pages per row it returns. */
const bufferBudget = (rows: number) => 1500 + 20 * rows;

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * What is wrong with a plan, in words (empty when it stays within the clinic's recent rows):
 * a sequential scan of a large table, an index range that reads far more than it keeps, or
 * more buffers than the rows returned explain. `sizes`: estimated rows per table.
 */
function problems(plan: PlanNode, sizes: Map<string, number>): string[] {
  const found: string[] = [];
  for (const n of nodes(plan)) {
    const table = n['Relation Name'] ?? '';
    if (n['Node Type'] === 'Seq Scan') {
      if ((sizes.get(table) ?? 0) > LARGE_TABLE_ROWS) found.push(`Seq Scan on ${table}`);
      continue;
    }
    const removed =
      ((n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) *
      n['Actual Loops'];
    if (removed > MAX_REMOVED)
      found.push(`${n['Node Type']} on ${n['Relation Name']} removed ${removed} rows by filter`);
  }
  const buffers = plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
  if (buffers > bufferBudget(plan['Actual Rows']))
    found.push(`touched ${buffers} buffers for ${plan['Actual Rows']} rows`);
  return found;
}

/** The query of each PL/pgSQL function of ours whose body is `return (<query>);`, by name. */
type FunctionQueries = Map<string, string>;

async function functionQueries(db: Pick<DataSource, 'query'>): Promise<FunctionQueries> {
  const rows = await db.query<{ name: string; body: string }[]>(
    `select p.proname as name, p.prosrc as body from pg_proc p join pg_language l on l.oid = p.prolang
      where p.pronamespace = 'public'::regnamespace and l.lanname = 'plpgsql'`,
  );
  return new Map(
    rows.flatMap(({ name, body }) => {
      const query = /^\s*begin\s+return\s*\(([\s\S]*)\);\s*end;?\s*$/i.exec(body)?.[1];
      return query ? [[name, query] as const] : [];
    }),
  );
}

/**
 * A query runner that EXPLAINs (ANALYZE, BUFFERS) each SELECT instead of answering it, and
 * keeps the plans: the module's own query functions run unchanged, so the SQL checked is
 * the SQL the pages send. A call of one of `functions` with its parameters in order
 * (`select booking_context($1, …, $7) as context`) is checked by the plan of the function's
 * query with those parameters, and by its generic plan: the one PL/pgSQL keeps and reuses
 * once a connection has called the function a few times (the plan of the call alone shows
 * nothing of what it reads).
 */
function explaining(db: Pick<DataSource, 'query'>, plans: PlanNode[], functions: FunctionQueries) {
  const explain = async (sql: string, params?: unknown[]) => {
    const rows = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      `explain (analyze, buffers, format json) ${sql}`,
      params,
    );
    plans.push(rows[0]['QUERY PLAN'][0].Plan);
  };
  return {
    query: async (sql: string, params: unknown[] = []) => {
      const call = /^select (\w+)\(([$\d, ]*)\) as \w+$/.exec(sql.trim());
      const inOrder = params.map((_, i) => `$${i + 1}`).join(', ');
      const inner = call?.[2] === inOrder ? functions.get(call[1]) : undefined;
      if (!inner) {
        await explain(sql, params);
        return [];
      }
      await explain(inner, params);
      // The generic plan, as a statement prepared in this transaction (PREPARE outlives a
      // rollback: deallocated whatever happens, under a name of its own).
      const name = `hot_plan_${randomBytes(4).toString('hex')}`;
      await db.query(`set local plan_cache_mode = force_generic_plan`);
      await db.query(`prepare ${name} as ${inner}`);
      try {
        await explain(withLiterals(`execute ${name}(${inOrder})`, params));
      } finally {
        await db.query(`deallocate ${name}`);
        await db.query(`set local plan_cache_mode = auto`);
      }
      return [];
    },
  };
}

describe('hot queries over a clinic with three years of history', () => {
  let ds: DataSource;
  let db: TenantDb;
  let clinic: TestClinic;
  let history: number;
  let messages: number;
  /** One of yesterday's appointments: every one has a sent confirmation. */
  let appointmentId: string;
  let sizes: Map<string, number>;
  let functions: FunctionQueries;

  beforeAll(async () => {
    ({ ds, db } = await openRuntimeDb());
    clinic = await createClinic({ vets: 4, pets: 40, timeZone: 'UTC' });
    history = await addHistory(clinic, { days: 3 * 365, perDay: 24 });
    messages = await addMessageHistory(clinic);
    [{ id: appointmentId }] = await db.runFor(clinic.id, (tx) =>
      AppointmentQueries.inRange(tx, ClinicTime.dayRange(yesterday(), 'UTC')),
    );
    const tables = await ds.query<{ name: string; n: number }[]>(
      `select relname as name, reltuples::float8 as n from pg_class where relkind in ('r', 'p')`,
    );
    sizes = new Map(tables.map((t) => [t.name, t.n]));
    functions = await functionQueries(ds);
  }, 180_000);
  afterAll(() => ds.destroy());

  /** The plans of everything `work` queries, as the clinic's unit of work. */
  async function plansOf(work: (tx: TenantTx) => Promise<unknown>): Promise<PlanNode[]> {
    const plans: PlanNode[] = [];
    await db.runFor(clinic.id, (tx) =>
      work({ ...tx, manager: explaining(tx.manager, plans, functions) as TenantTx['manager'] }),
    );
    return plans;
  }

  const yesterday = () => ClinicTime.addDays(ClinicTime.today('UTC'), -1);
  const hot: [string, (tx: TenantTx) => Promise<unknown>][] = [
    ['day view', (tx) => AppointmentQueries.inRange(tx, ClinicTime.dayRange(yesterday(), 'UTC'))],
    [
      'week view',
      (tx) =>
        AppointmentQueries.inRange(tx, {
          start: ClinicTime.dayRange(ClinicTime.addDays(yesterday(), -6), 'UTC').start,
          end: ClinicTime.dayRange(yesterday(), 'UTC').end,
        }),
    ],
    [
      'next free slot (a vet, 31 days)',
      (tx) =>
        AppointmentQueries.inRange(tx, {
          start: ClinicTime.dayRange(ClinicTime.addDays(yesterday(), -30), 'UTC').start,
          end: new Date(),
          staffId: clinic.vets[1].id,
        }),
    ],
    [
      'booking clash check',
      (tx) => {
        const startsAt = ClinicTime.toInstant(yesterday(), '10:00', 'UTC');
        return AppointmentQueries.clashes(tx, {
          staffId: clinic.vets[0].id,
          roomId: clinic.rooms[0],
          ranges: [{ startsAt, endsAt: new Date(startsAt.getTime() + 20 * 60_000) }],
        });
      },
    ],
    [
      'closures of a day',
      (tx) => ClinicQueries.closuresBetween(tx, ClinicTime.dayRange(yesterday(), 'UTC')),
    ],
    ['upcoming closures', (tx) => ClinicQueries.upcomingClosures(tx)],
    ['clinic schedule', (tx) => ClinicQueries.schedule(tx)],
    [
      'clinic schedule with the closures of a day',
      (tx) => ClinicQueries.scheduleWithClosures(tx, ClinicTime.dayRange(yesterday(), 'UTC')),
    ],
    [
      'booking context (references, names, hours, closures)',
      (tx) =>
        AppointmentQueries.bookingContext(
          tx,
          {
            petId: clinic.pets[0].id,
            typeId: clinic.consult,
            staffId: clinic.vets[0].id,
            roomId: clinic.rooms[0],
          },
          ClinicTime.dayRange(yesterday(), 'UTC'),
        ),
    ],
    ['pet page', (tx) => PetQueries.byId(tx, clinic.pets[0].id)],
    ['pet weight chart', (tx) => RecordQueries.weightSeries(tx, clinic.pets[0].id)],
    ['pet record list', (tx) => RecordQueries.forPet(tx, clinic.pets[0].id, true)],
    [
      'pet linkable appointments',
      (tx) => RecordQueries.linkableAppointments(tx, clinic.pets[0].id),
    ],
    [
      'search',
      (tx) =>
        SearchQueries.search(tx, searchTerms('pet1')!, { clients: true, pets: true, limit: 20 }),
    ],
    [
      "what an appointment's change is announced from",
      (tx) => MessageQueries.appointmentNotice(tx, appointmentId, { told: true }),
    ],
    [
      "settling a changed appointment's queued messages",
      (tx) =>
        MessageQueries.skipAndInsert(tx, {
          skip: {
            appointmentId,
            kinds: ['appointment_reminder', 'booking_change'],
            keep: 'none',
            reason: 'moved',
          },
          messages: [],
        }),
    ],
    ['audit log page', (tx) => AuditQueries.search(tx, { limit: 50, offset: 0 })],
    ['company roll-up of a clinic', (tx) => CompanyQueries.clinicRollup(tx)],
    ['company week of a clinic', (tx) => CompanyQueries.clinicWeekDays(tx)],
  ];

  it('holds the history it is meant to test', () => {
    expect(history).toBeGreaterThan(100_000);
    expect(messages).toBe(history);
  });

  it("checks the booking context by its function's query, planned for the call and generic", async () => {
    const [, work] = hot.find(([name]) => name.startsWith('booking context'))!;
    const plans = await plansOf(work);
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      const tables = nodes(plan).map((n) => n['Relation Name']);
      for (const table of ['pets', 'clients', 'payments', 'opening_hours', 'closures'])
        expect(tables).toContain(table);
    }
  });

  it.each(hot)('%s reads only the rows it shows', async (_name, work) => {
    const plans = await plansOf(work);
    if (process.env.SHOW_PLANS) console.log(_name, history, JSON.stringify(plans, null, 1));
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.flatMap((p) => problems(p, sizes))).toEqual([]);
  });

  it('resolves a clinic and its switcher from indexes of the directory', async () => {
    const plans: PlanNode[] = [];
    const dir = explaining(ds, plans, functions) as unknown as DataSource;
    await TenantQueries.clinicAccess(dir, clinic.slug, clinic.frontdesk.id);
    await TenantQueries.clinicsFor(dir, clinic.frontdesk.id);
    await TenantQueries.companiesFor(dir, clinic.frontdesk.id);
    expect(plans).toHaveLength(3);
    expect(plans.flatMap((p) => problems(p, sizes))).toEqual([]);
  });
});
