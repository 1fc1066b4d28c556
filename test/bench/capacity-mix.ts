import { ClinicTime } from '../../src/clinic/clinic-time.js';
import type { BenchClinic } from './capacity-setup.js';
import type { BenchRequest } from './load.js';

/** A signed-in front desk: its clinic, session cookie and the session's CSRF token. */
export interface Session {
  clinic: BenchClinic;
  cookie: string;
  csrf: string;
}

/** What a front desk does, weighted per 100 requests. */
const WEIGHTS: [Op, number][] = [
  ['day', 35],
  ['week', 5],
  ['today', 10],
  ['search', 15],
  ['pet', 15],
  ['book', 5],
  ['status', 5],
  ['api', 10],
];
type Op = 'day' | 'week' | 'today' | 'search' | 'pet' | 'book' | 'status' | 'api';
const DECK: Op[] = WEIGHTS.flatMap(([op, n]) => Array<Op>(n).fill(op));

/**
 * A run's first bookable Monday: from 2031-01-06 on, a week chosen by the minute the run
 * started, so a run on a kept database (`--database`) does not book over an earlier run's.
 */
const FIRST_DAY = ClinicTime.addDays('2031-01-06', 7 * (Math.floor(Date.now() / 60_000) % 1000));

/** From FIRST_DAY onwards, Monday to Saturday (the generated clinics' opening days). */
function slot(k: number): { date: string; time: string } {
  const day = Math.floor(k / 20);
  const date = ClinicTime.addDays(FIRST_DAY, day + Math.floor(day / 6));
  const minutes = 8 * 60 + (k % 20) * 30;
  return {
    date,
    time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
  };
}

/**
 * The front-desk mix of `npm run bench` over signed-in sessions: each call of `next` is the
 * next request of a desk. A booking takes a slot nobody else takes (per clinic, a counter);
 * a status change cancels the desk's last booking. `booking` alone is the booking run.
 */
export function frontDeskMix(sessions: Session[]) {
  const slots = new Map<string, number>();
  const booked: { s: Session; id: string }[][] = [];
  const form = (s: Session, fields: Record<string, string>) =>
    new URLSearchParams({ ...fields, _csrf: s.csrf }).toString();
  const post = (s: Session, path: string, fields: Record<string, string>): BenchRequest => ({
    method: 'POST',
    path,
    body: form(s, fields),
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    ok: [303],
  });
  const booking = (w: number, i: number): BenchRequest =>
    bookFor(sessions[(w * 13 + i) % sessions.length]);
  /** A booking by this desk in a slot nobody else takes. */
  const bookFor = (s: Session): BenchRequest => {
    const k = slots.get(s.clinic.slug) ?? 0;
    slots.set(s.clinic.slug, k + 1);
    return post(s, `/c/${s.clinic.slug}/appointments`, {
      petId: s.clinic.petIds[k % s.clinic.petIds.length],
      staffId: s.clinic.vetIds[0],
      typeId: s.clinic.typeId,
      ...slot(k),
    });
  };
  const next = (w: number, i: number): BenchRequest => {
    const s = sessions[(w * 7 + i) % sessions.length];
    const c = s.clinic;
    const get = (path: string): BenchRequest => ({ path, headers: { cookie: s.cookie } });
    const today = ClinicTime.today(c.zone);
    switch (DECK[(i * 37 + w) % DECK.length]) {
      case 'day':
        return get(`/c/${c.slug}/calendar?date=${today}`);
      case 'week':
        return get(`/c/${c.slug}/calendar?date=${today}&view=week`);
      case 'today':
        return get(`/c/${c.slug}`);
      case 'search':
        return get(`/c/${c.slug}/search.json?q=number%20${i % 9}`);
      case 'pet':
        return get(`/c/${c.slug}/pets/${c.petIds[i % c.petIds.length]}`);
      case 'api':
        return {
          path: `/api/v1/appointments?date=${today}`,
          headers: { authorization: `Bearer ${c.token}`, accept: 'application/json' },
        };
      case 'book':
        return booking(w, i);
      case 'status': {
        const mine = (booked[w] ??= []);
        const last = mine.pop();
        return last
          ? post(last.s, `/c/${last.s.clinic.slug}/appointments/${last.id}/status`, {
              to: 'cancelled',
            })
          : get(`/c/${c.slug}/calendar?date=${today}`);
      }
    }
  };
  /** Keeps the desk's bookings (from the redirect) for its next status change. */
  const onAnswer = (w: number, req: BenchRequest, answer: { headers: Record<string, unknown> }) => {
    const id = /\/appointments\/([0-9a-f-]{36})\?booked=1$/.exec(
      String(answer.headers.location ?? ''),
    )?.[1];
    const s = sessions.find((x) => req.path.startsWith(`/c/${x.clinic.slug}/`));
    if (id && s) (booked[w] ??= []).push({ s, id });
  };
  return { next, booking, bookFor, onAnswer };
}
