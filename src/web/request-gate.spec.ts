import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestGate } from './request-gate.js';

/**
 * The front door on a real HTTP server, with an "app" that holds every request it gets until
 * the test lets it go: one request worked on, one queued, the rest refused from ready-made
 * bytes, /health answered without the app.
 */
describe('the request gate in front of the app', () => {
  const held: ServerResponse[] = [];
  const reached: string[] = [];
  const gate = new RequestGate({
    maxInFlight: 1,
    maxQueued: 1,
    queueWaitMs: 600_000,
    maxLagMs: 600_000,
  });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer(
      gate.front((req, res) => {
        reached.push(req.url ?? '');
        held.push(res);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) if (!res.writableEnded) res.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 10));
  };

  it('works on one, queues one, refuses the next at once, and still answers /health', async () => {
    const first = fetch(`${base}/first`);
    await until(() => reached.length === 1);
    const second = fetch(`${base}/second`);
    await until(() => gate.busy && gate.inFlight === 2);

    const refused = await fetch(`${base}/third`, { headers: { accept: 'application/json' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { code: 'overloaded' } });
    expect(gate.refused).toBe(1);

    const health = await fetch(`${base}/health?probe=1`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(reached).toEqual(['/first']);

    held[0].end('one');
    expect(await (await first).text()).toBe('one');
    await until(() => reached.length === 2);
    expect(reached).toEqual(['/first', '/second']);
    held[1].end('two');
    expect(await (await second).text()).toBe('two');
  });
});
