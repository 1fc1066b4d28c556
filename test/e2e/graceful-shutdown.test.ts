import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { holdBookingLock } from '../harness/booking-lock.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { freePort, waitForPort } from '../harness/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The app as its own process (`src/main.ts`), so it can be sent SIGTERM. */
function startProcess(port: number) {
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    ['--import', './test/harness/ts-register.mjs', 'src/main.ts'],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: '--no-warnings',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATABASE_POOL_SIZE: '25',
        ADMISSION_QUEUE_WAIT_MS: '300000',
        REQUEST_DEADLINE_SECONDS: '300',
        ADMISSION_MAX_LAG_MS: '600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('stopping a process that is busy booking', () => {
  let app: ReturnType<typeof startProcess>;
  let child: ChildProcess;
  let port: number;
  let clinic: TestClinic;

  beforeAll(async () => {
    port = await freePort();
    app = startProcess(port);
    child = app.child;
    clinic = await createClinic({ vets: 1 });
    await waitForPort(port, 120_000);
  }, 180_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('answers all 20 requests in flight at SIGTERM, takes no new connection, then exits', async () => {
    const web = new WebClient(`http://127.0.0.1:${port}`);
    await web.signIn(clinic.frontdesk.email);
    await web.get(`/c/${clinic.slug}/appointments/new`);

    // The vet's booking lock, held here: all 20 bookings wait inside their transactions.
    const lock = await holdBookingLock(clinic);
    const bookings = Array.from({ length: 20 }, (_, i) =>
      web.post(`/c/${clinic.slug}/appointments`, {
        petId: clinic.pets[0].id,
        staffId: clinic.vets[0].id,
        typeId: clinic.consult,
        date: '2033-03-01',
        time: `${String(8 + Math.floor(i / 3)).padStart(2, '0')}:${String((i % 3) * 20).padStart(2, '0')}`,
      }),
    );
    while ((await lock.waiting()) < 20) await sleep(100);

    child.kill('SIGTERM');
    while (!(await refused(port))) await sleep(100);
    await lock.release(); // the lock goes: the bookings finish

    const answers = await Promise.all(bookings);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(303));
    expect(await app.exited).toBe(0);
    expect(app.output.join('')).toContain('every request in flight was answered');
  });
});
