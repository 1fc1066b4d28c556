import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { type BenchRequest, client } from './load.js';

export interface FanoutResult {
  sockets: number;
  processes: number;
  bookings: number;
  /** Events that should have arrived: bookings × sockets that joined the room. */
  expected: number;
  received: number;
  lost: number;
  /** Milliseconds from the booking's answer (its 303) to each socket's event; negative: the event came first. */
  p50: number;
  p99: number;
  max: number;
  /** The same from the moment the booking was sent (includes the booking itself). */
  p50FromSend: number;
  p99FromSend: number;
  connectSeconds: number;
  problems: string[];
}

const quantile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;

function connect(url: string, cookie: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/**
 * Socket.IO fan-out (issue 9): `sockets` live calendars of one clinic (the worst case: one
 * room), spread over the app processes at `urls` (the Redis adapter carries events between
 * them) and over the signed-in `cookies`, each joined to the clinic's room as the calendar
 * page does. Then `bookings` bookings, one at a time on alternate processes, and for each
 * the time from its answer to every socket's event, and the events that never came. The
 * receiving sockets share the bench's one event loop: their own queueing is in the figures.
 */
export async function measureFanout(opts: {
  urls: string[];
  cookies: string[];
  clinicSlug: string;
  sockets: number;
  bookings: number;
  book: () => BenchRequest;
  /** How long after the last booking events may still arrive. */
  graceMs?: number;
}): Promise<FanoutResult> {
  const problems: string[] = [];
  const sockets: Socket[] = [];
  const arrivals = new Map<string, number[]>();
  const t0 = performance.now();
  try {
    for (let i = 0; i < opts.sockets; i += 50) {
      const batch = Array.from({ length: Math.min(50, opts.sockets - i) }, (_, j) =>
        connect(opts.urls[(i + j) % opts.urls.length], opts.cookies[(i + j) % opts.cookies.length]),
      );
      for (const r of await Promise.allSettled(batch)) {
        if (r.status === 'fulfilled') sockets.push(r.value);
        else if (problems.length < 5) problems.push(`connect: ${String(r.reason)}`);
      }
    }
    const joined = await Promise.all(
      sockets.map(async (s) => {
        const answer = await s
          .timeout(60_000)
          .emitWithAck('join', { clinic: opts.clinicSlug })
          .catch((err: Error) => ({ ok: false, err: err.message }));
        if (!answer?.ok) return false;
        s.on('appointment', (event: { id?: string }) => {
          const at = performance.now();
          if (event.id)
            (arrivals.get(event.id) ?? arrivals.set(event.id, []).get(event.id)!).push(at);
        });
        return true;
      }),
    );
    const inRoom = joined.filter(Boolean).length;
    if (inRoom < opts.sockets) problems.push(`${opts.sockets - inRoom} sockets did not join`);
    const connectSeconds = (performance.now() - t0) / 1000;

    const http = opts.urls.map((u) => client(u, 2));
    const booked: { id: string; sent: number; answered: number }[] = [];
    for (let b = 0; b < opts.bookings; b++) {
      const sent = performance.now();
      const answer = await http[b % http.length].send(opts.book());
      const answered = performance.now();
      const id = /\/appointments\/([0-9a-f-]{36})/.exec(String(answer.headers.location ?? ''))?.[1];
      if (answer.status === 303 && id) booked.push({ id, sent, answered });
      else if (problems.length < 8) problems.push(`booking answered ${answer.status}`);
      // One booking's fan-out at a time.
      await new Promise((r) => setTimeout(r, 250));
    }
    const deadline = performance.now() + (opts.graceMs ?? 10_000);
    const complete = () => booked.every((b) => (arrivals.get(b.id)?.length ?? 0) >= inRoom);
    while (!complete() && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    for (const h of http) h.close();

    const fromAnswer: number[] = [];
    const fromSend: number[] = [];
    for (const b of booked)
      for (const at of (arrivals.get(b.id) ?? []).slice(0, inRoom)) {
        fromAnswer.push(at - b.answered);
        fromSend.push(at - b.sent);
      }
    fromAnswer.sort((a, b) => a - b);
    fromSend.sort((a, b) => a - b);
    const expected = booked.length * inRoom;
    return {
      sockets: inRoom,
      processes: opts.urls.length,
      bookings: booked.length,
      expected,
      received: fromAnswer.length,
      lost: expected - fromAnswer.length,
      p50: quantile(fromAnswer, 0.5),
      p99: quantile(fromAnswer, 0.99),
      max: fromAnswer.at(-1) ?? NaN,
      p50FromSend: quantile(fromSend, 0.5),
      p99FromSend: quantile(fromSend, 0.99),
      connectSeconds,
      problems,
    };
  } finally {
    for (const s of sockets) s.close();
  }
}
