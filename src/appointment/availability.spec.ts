import { describe, expect, it } from '@jest/globals';
import {
  blockingClosure,
  firstFreeSlot,
  freeSlots,
  openingIntervals,
  withinOpeningHours,
} from './availability.js';

const MADRID = 'Europe/Madrid';
const at = (iso: string) => new Date(iso);
const slot = (from: string, to: string) => ({ startsAt: at(from), endsAt: at(to) });
const iso = (d: Date) => d.toISOString().replace(':00.000Z', 'Z');
/** Tuesdays split around lunch, Wednesdays all day. Madrid is UTC+2 in May. */
const HOURS = [
  { id: 'tue-am', weekday: 2, opens: '09:00', closes: '14:00' },
  { id: 'tue-pm', weekday: 2, opens: '16:00', closes: '20:00' },
  { id: 'wed', weekday: 3, opens: '00:00', closes: '24:00' },
];
const VET = 'vet-1';
const closure = (from: string, to: string, who: { staffId?: string; roomId?: string } = {}) => ({
  id: `closure-${from}`,
  startsAt: at(from),
  endsAt: at(to),
  staffId: who.staffId ?? null,
  roomId: who.roomId ?? null,
  reason: 'Training',
});

describe('opening hours', () => {
  it("turns a day's local hours into instants, '24:00' being the next local midnight", () => {
    expect(
      openingIntervals('2031-05-06', MADRID, HOURS).map((o) => [o.startsAt, o.endsAt].map(iso)),
    ).toEqual([
      ['2031-05-06T07:00Z', '2031-05-06T12:00Z'],
      ['2031-05-06T14:00Z', '2031-05-06T18:00Z'],
    ]);
    expect(
      openingIntervals('2031-05-07', MADRID, HOURS).map((o) => [o.startsAt, o.endsAt].map(iso)),
    ).toEqual([['2031-05-06T22:00Z', '2031-05-07T22:00Z']]);
    expect(openingIntervals('2031-05-08', MADRID, HOURS)).toEqual([]);
  });

  it('opens a 24-hour day for 23 hours on the spring change, and moves a skipped opening time on', () => {
    const sunday = [
      { id: 'sun', weekday: 7, opens: '00:00', closes: '24:00' },
      { id: 'sun-late', weekday: 7, opens: '02:30', closes: '04:00' },
    ];
    const [day, late] = openingIntervals('2026-03-29', MADRID, sunday);
    expect((+day.endsAt - +day.startsAt) / 3_600_000).toBe(23);
    // 02:30 does not exist that night: it opens 150 minutes after midnight, at 03:30.
    expect([late.startsAt, late.endsAt].map(iso)).toEqual([
      '2026-03-29T01:30Z',
      '2026-03-29T02:00Z',
    ]);
  });

  it('takes a slot that fits inside one opening interval, not one across the lunch break', () => {
    expect(withinOpeningHours(slot('2031-05-06T07:00Z', '2031-05-06T07:20Z'), MADRID, HOURS)).toBe(
      true,
    );
    expect(withinOpeningHours(slot('2031-05-06T11:40Z', '2031-05-06T12:00Z'), MADRID, HOURS)).toBe(
      true,
    );
    expect(withinOpeningHours(slot('2031-05-06T11:50Z', '2031-05-06T12:10Z'), MADRID, HOURS)).toBe(
      false,
    );
    expect(withinOpeningHours(slot('2031-05-06T12:30Z', '2031-05-06T12:50Z'), MADRID, HOURS)).toBe(
      false,
    );
    expect(withinOpeningHours(slot('2031-05-06T06:50Z', '2031-05-06T07:10Z'), MADRID, HOURS)).toBe(
      false,
    );
  });
});

describe('closures', () => {
  const training = slot('2031-05-06T08:00Z', '2031-05-06T08:20Z');

  it('blocks every vet and room when the whole clinic closes', () => {
    const all = closure('2031-05-06T07:00Z', '2031-05-06T09:00Z');
    expect(blockingClosure(training, [all], VET, null)).toBe(all);
    expect(blockingClosure(training, [all], 'vet-2', 'room-1')).toBe(all);
  });

  it('blocks only that vet, or only bookings in that room, when one of them is away', () => {
    const vetAway = closure('2031-05-06T07:00Z', '2031-05-06T09:00Z', { staffId: VET });
    const roomShut = closure('2031-05-06T07:00Z', '2031-05-06T09:00Z', { roomId: 'room-1' });
    expect(blockingClosure(training, [vetAway], VET, null)).toBe(vetAway);
    expect(blockingClosure(training, [vetAway], 'vet-2', null)).toBeUndefined();
    expect(blockingClosure(training, [roomShut], 'vet-2', 'room-1')).toBe(roomShut);
    expect(blockingClosure(training, [roomShut], 'vet-2', 'room-2')).toBeUndefined();
    expect(blockingClosure(training, [roomShut], 'vet-2', null)).toBeUndefined();
  });

  it('lets a slot end as a closure starts, or start as it ends', () => {
    const before = closure('2031-05-06T08:20Z', '2031-05-06T09:00Z');
    const after = closure('2031-05-06T07:00Z', '2031-05-06T08:00Z');
    expect(blockingClosure(training, [before, after], VET, null)).toBeUndefined();
  });
});

describe('the next free slot', () => {
  const find = (opts: {
    from: string;
    busy?: { startsAt: Date; endsAt: Date }[];
    closures?: ReturnType<typeof closure>[];
    days?: number;
  }) => {
    const found = firstFreeSlot({
      from: at(opts.from),
      days: opts.days ?? 7,
      zone: MADRID,
      durationMinutes: 20,
      hours: HOURS,
      closures: opts.closures ?? [],
      busy: opts.busy ?? [],
      staffId: VET,
    });
    return found && [found.startsAt, found.endsAt].map(iso);
  };

  it('starts on the quarter-hour at or after now', () => {
    expect(find({ from: '2031-05-06T07:00Z' })).toEqual(['2031-05-06T07:00Z', '2031-05-06T07:20Z']);
    expect(find({ from: '2031-05-06T07:01Z' })).toEqual(['2031-05-06T07:15Z', '2031-05-06T07:35Z']);
  });

  it("skips the vet's appointments: 20 minutes booked from 09:00 leaves 09:30 as the next start", () => {
    const busy = [slot('2031-05-06T07:00Z', '2031-05-06T07:20Z')];
    expect(find({ from: '2031-05-06T07:00Z', busy })).toEqual([
      '2031-05-06T07:30Z',
      '2031-05-06T07:50Z',
    ]);
  });

  it('skips closures and the lunch break, and goes on to the next open day', () => {
    const morningOff = closure('2031-05-06T07:00Z', '2031-05-06T12:00Z', { staffId: VET });
    expect(find({ from: '2031-05-06T07:00Z', closures: [morningOff] })).toEqual([
      '2031-05-06T14:00Z',
      '2031-05-06T14:20Z',
    ]);
    expect(find({ from: '2031-05-06T17:50Z' })).toEqual(['2031-05-06T22:00Z', '2031-05-06T22:20Z']);
  });

  it('gives up after the days it was asked to look at', () => {
    expect(find({ from: '2031-05-08T08:00Z', days: 4 })).toBeNull(); // Thursday to Sunday: closed
    expect(find({ from: '2031-05-08T08:00Z', days: 6 })).toEqual([
      '2031-05-13T07:00Z',
      '2031-05-13T07:20Z',
    ]);
  });
});

describe('every free slot of a day (the online booking page)', () => {
  it('lists the quarter hours a 30-minute visit fits in, around a booking, a closure and lunch', () => {
    const slots = [
      ...freeSlots({
        from: at('2031-05-06T00:00Z'),
        days: 1,
        zone: MADRID,
        durationMinutes: 30,
        hours: HOURS,
        // 10:00–10:30 booked; 17:00–19:00 local the vet is away.
        busy: [slot('2031-05-06T08:00Z', '2031-05-06T08:30Z')],
        closures: [closure('2031-05-06T15:00Z', '2031-05-06T17:00Z', { staffId: VET })],
        staffId: VET,
      }),
    ].map((s) => iso(s.startsAt));
    expect(slots[0]).toBe('2031-05-06T07:00Z');
    expect(slots).toContain('2031-05-06T07:30Z');
    expect(slots).not.toContain('2031-05-06T07:45Z');
    expect(slots).not.toContain('2031-05-06T08:15Z');
    expect(slots).toContain('2031-05-06T08:30Z');
    expect(slots).toContain('2031-05-06T11:30Z');
    expect(slots).not.toContain('2031-05-06T11:45Z');
    expect(slots).toContain('2031-05-06T14:30Z');
    expect(slots).not.toContain('2031-05-06T14:45Z');
    expect(slots).not.toContain('2031-05-06T16:45Z');
    expect(slots[slots.length - 1]).toBe('2031-05-06T17:30Z');
  });
});
