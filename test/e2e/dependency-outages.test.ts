import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootstrapDatabase, OWNER_ROLE, RUNTIME_ROLE } from '../../src/database/roles.js';
import { startTestApp, type TestApp } from '../harness/app.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import {
  type Restartable,
  startRestartablePgBouncer,
  startRestartableRedis,
  startThrowawayPostgres,
} from '../harness/fault-services.js';
import { WebClient } from '../harness/http.js';
import { adminQuery } from '../harness/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DATABASE = 'vetlane_fault';

interface Answer {
  status: number;
  code?: string;
  retryAfter?: string | null;
  bookedId?: string;
}

/**
 * Front desks keep booking through the real form while PostgreSQL, then pgBouncer, then
 * Redis are stopped and started again under them. Every answer is a booking or a 503 that
 * names what is away; every acknowledged booking is in the database and nothing is there
 * that no desk was told about. Outcomes only: the machine may be slow.
 */
describe('front desks booking through database, pooler and cache outages', () => {
  let pg: Awaited<ReturnType<typeof startThrowawayPostgres>>;
  let bouncer: Restartable;
  let redis: Restartable;
  let app: TestApp;
  let clinic: TestClinic;
  let superuser: string;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    const adminUrl = `postgres://postgres@127.0.0.1:${pg.port}/postgres`;
    superuser = `postgres://postgres@127.0.0.1:${pg.port}/${DATABASE}`;
    await bootstrapDatabase({ adminUrl, database: DATABASE });
    bouncer = await startRestartablePgBouncer({
      pgPort: pg.port,
      users: [RUNTIME_ROLE, OWNER_ROLE],
    });
    redis = await startRestartableRedis();
    const direct = `postgres://${OWNER_ROLE}@127.0.0.1:${pg.port}/${DATABASE}`;
    app = await startTestApp({
      DATABASE_URL: `postgres://${RUNTIME_ROLE}@127.0.0.1:${bouncer.port}/${DATABASE}`,
      DATABASE_DIRECT_URL: direct,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      MIGRATE_ON_START: 'true',
      SEED_DEMO: 'true', // the factories borrow the demo admin's password hash
      DATABASE_POOL_SIZE: '6',
      TENANT_REQUESTS_PER_MINUTE: 'standard=100000',
    });
    // The factories write as the superuser of the run's database: point them at this cluster.
    const saved = {
      PG_ADMIN_URL: process.env.PG_ADMIN_URL,
      DIRECT: process.env.DATABASE_DIRECT_URL,
    };
    Object.assign(process.env, { PG_ADMIN_URL: adminUrl, DATABASE_DIRECT_URL: direct });
    try {
      clinic = await createClinic({ vets: 2, pets: 4 });
    } finally {
      Object.assign(process.env, {
        PG_ADMIN_URL: saved.PG_ADMIN_URL,
        DATABASE_DIRECT_URL: saved.DIRECT,
      });
    }
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    await bouncer?.stop();
    await pg?.destroy();
  }, 120_000);

  it('answers 503 naming the missing service, never 500, and loses or invents no booking', async () => {
    const answers: Answer[] = [];
    const failures: string[] = [];
    let next = 0;
    let running = true;

    /** Booking i: its own vet and 20-minute slot, so no two bookings of the run overlap. */
    const slotOf = (i: number) => {
      const k = Math.floor(i / 2);
      const day = new Date(Date.UTC(2032, 0, 1 + Math.floor(k / 36)));
      const minutes = 8 * 60 + (k % 36) * 20;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return { staffId: clinic.vets[i % 2].id, date: day.toISOString().slice(0, 10), time };
    };

    /** An answer as the checks below read it: status, the code its page names, Retry-After. */
    const record = (res: { status: number; text: string; headers: Headers }, bookedId?: string) =>
      answers.push({
        status: res.status,
        code: /data-code="([a-z_]+)"/.exec(res.text)?.[1],
        retryAfter: res.headers.get('retry-after'),
        bookedId,
      });
    const openForm = (web: WebClient) =>
      web.get(`/c/${clinic.slug}/appointments/new`).catch(() => null);

    // Also after the run ends: a desk still finding out what became of its last form signs in
    // again (the services are all back by then). Every answer on the way is recorded, so a
    // 503 of the login page must name its service and say when to come back like any other.
    const signIn = async (web: WebClient) => {
      for (let tries = 0; tries < 300; tries++) {
        const page = await web.get('/login').catch(() => null);
        // Still signed in (the login page sends a signed-in user on): the form again, for a
        // fresh token, and no second sign-in.
        const signedIn = page?.status === 302;
        const res =
          page?.status === 200
            ? await web
                .post('/login', { email: clinic.frontdesk.email, password: 'vetlane-demo' })
                .catch(() => null)
            : null;
        const form = signedIn || res?.status === 303 ? await openForm(web) : null;
        if (form?.status === 200) return;
        for (const answer of [signedIn ? null : page, res, form]) if (answer) record(answer);
        await sleep(300);
      }
    };

    const desk = async () => {
      const web = new WebClient(app.url);
      await signIn(web);
      while (running) {
        const i = next++;
        // One form (its own one-time key, as every booking form has), saved again until the
        // answer says what became of it, as a receptionist does after an error page. A form
        // whose first save did commit (its answer lost with the database or the pooler) is
        // answered with that booking again, never booked twice.
        const form = {
          petId: clinic.pets[i % clinic.pets.length].id,
          typeId: clinic.consult,
          ...slotOf(i),
          _formKey: randomUUID(),
        };
        for (let tries = 0; ; tries++) {
          if (tries === 400) {
            failures.push(`booking ${i}: no booking after ${tries} saves`);
            break;
          }
          const res = await web
            .post(`/c/${clinic.slug}/appointments`, form)
            .catch((err: unknown) => {
              failures.push(`booking ${i}: no answer (${String(err)})`);
              return null;
            });
          if (!res) {
            await sleep(200);
            continue;
          }
          const bookedId = /\/appointments\/([0-9a-f-]{36})\?booked=1$/.exec(
            res.location ?? '',
          )?.[1];
          record(res, bookedId);
          if (bookedId) break;
          if (res.status === 303 || res.status === 403)
            await signIn(web); // the session went with Redis
          else await sleep(200);
        }
      }
    };

    const bookedSince = (from: number) => answers.slice(from).some((a) => a.bookedId);
    const untilBooked = async (what: string) => {
      const from = answers.length;
      for (let waited = 0; !bookedSince(from); waited += 250) {
        if (waited > 90_000) throw new Error(`no booking went through after ${what} came back`);
        await sleep(250);
      }
    };

    const desks = [desk(), desk(), desk(), desk()];
    await untilBooked('the start');
    const outages: [string, Restartable][] = [
      ['postgres', pg],
      ['pgbouncer', bouncer],
      ['redis', redis],
    ];
    for (const [name, service] of outages) {
      await service.stop();
      await sleep(3000);
      await service.start();
      await untilBooked(name);
    }
    running = false;
    await Promise.all(desks);

    const statuses = answers.map((a) => a.status);
    expect(failures).toEqual([]);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => ![200, 303, 403, 503].includes(s))).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((a) => a.retryAfter && Number(a.retryAfter) > 0)).toBe(true);
    const codes = new Set(unavailable.map((a) => a.code));
    expect([...codes].sort()).toEqual(['cache_unavailable', 'database_unavailable']);
    process.stdout.write(
      `outage answers: ${JSON.stringify(Object.fromEntries(['303', '403', '503'].map((s) => [s, statuses.filter((x) => String(x) === s).length])))}\n`,
    );

    const acknowledged = [
      ...new Set(answers.flatMap((a) => (a.bookedId ? [a.bookedId] : []))),
    ].sort();
    const { rows } = await adminQuery(
      superuser,
      'select id from appointments where tenant_id = $1',
      [clinic.id],
    );
    const saved = rows.map((r: { id: string }) => r.id).sort();
    expect(acknowledged.length).toBeGreaterThan(3);
    expect(saved).toEqual(acknowledged);
  }, 600_000);
});
