import { describe, expect, it } from '@jest/globals';
import { ClinicTime, InvalidLocalDate, NonexistentLocalTime } from './clinic-time.js';

/** The DST rules of ARCHITECTURE.md "Time": neither lose nor duplicate an appointment. */
const iso = (d: Date) => d.toISOString().replace(':00.000Z', 'Z');

describe('clinic-local time across DST changes', () => {
  describe('a local time the clocks skip is refused, not moved', () => {
    it.each([
      ['Europe/Madrid', '2026-03-29', '02:00'],
      ['Europe/Madrid', '2026-03-29', '02:30'],
      ['America/New_York', '2026-03-08', '02:15'],
      ['America/New_York', '2026-03-08', '02:59'],
    ])('%s %s %s', (zone, date, time) => {
      expect(() => ClinicTime.toInstant(date, time, zone)).toThrow(NonexistentLocalTime);
    });

    it('names the field and the time in the error', () => {
      const err = (() => {
        try {
          ClinicTime.toInstant('2026-03-29', '02:30', 'Europe/Madrid');
        } catch (e) {
          return e as NonexistentLocalTime;
        }
      })();
      expect(err).toMatchObject({ status: 422, field: 'time' });
      expect(err?.params).toMatchObject({ date: '2026-03-29', time: '02:30' });
    });

    it('accepts the minutes on either side of the gap', () => {
      expect(iso(ClinicTime.toInstant('2026-03-29', '01:59', 'Europe/Madrid'))).toBe(
        '2026-03-29T00:59Z',
      );
      expect(iso(ClinicTime.toInstant('2026-03-29', '03:00', 'Europe/Madrid'))).toBe(
        '2026-03-29T01:00Z',
      );
    });
  });

  describe('a local time that happens twice is resolved once, to its first occurrence', () => {
    it.each([
      ['Europe/Madrid', '2026-10-25', '02:00', '2026-10-25T00:00Z'],
      ['Europe/Madrid', '2026-10-25', '02:30', '2026-10-25T00:30Z'],
      ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30Z'],
    ])('%s %s %s → %s', (zone, date, time, instant) => {
      expect(iso(ClinicTime.toInstant(date, time, zone))).toBe(instant);
    });

    it('shows both occurrences of the repeated hour with the same wall-clock time', () => {
      const first = ClinicTime.toInstant('2026-10-25', '02:30', 'Europe/Madrid');
      const second = new Date(first.getTime() + 3_600_000);
      expect(ClinicTime.localTime(first, 'Europe/Madrid')).toBe('02:30');
      expect(ClinicTime.localTime(second, 'Europe/Madrid')).toBe('02:30');
      expect(ClinicTime.localDate(second, 'Europe/Madrid')).toBe('2026-10-25');
    });
  });

  it('keeps the real length of an appointment across a change', () => {
    const ends = (date: string, minutes: number) => {
      const start = ClinicTime.toInstant(date, '01:30', 'Europe/Madrid');
      return ClinicTime.localTime(new Date(+start + minutes * 60_000), 'Europe/Madrid');
    };
    expect(ends('2026-03-29', 90)).toBe('04:00'); // an hour shorter on the wall clock
    expect(ends('2026-10-25', 120)).toBe('02:30'); // an hour longer
  });

  describe("a day runs from the clinic's local midnight to the next", () => {
    const hours = (date: string, zone: string) => {
      const { start, end } = ClinicTime.dayRange(date, zone);
      return { start: iso(start), end: iso(end), hours: (+end - +start) / 3_600_000 };
    };

    it('is 23 hours on the spring change, 25 on the autumn one, 24 otherwise', () => {
      expect(hours('2026-03-29', 'Europe/Madrid')).toEqual({
        start: '2026-03-28T23:00Z',
        end: '2026-03-29T22:00Z',
        hours: 23,
      });
      expect(hours('2026-10-25', 'Europe/Madrid')).toEqual({
        start: '2026-10-24T22:00Z',
        end: '2026-10-25T23:00Z',
        hours: 25,
      });
      expect(hours('2026-11-01', 'America/New_York')).toMatchObject({
        start: '2026-11-01T04:00Z',
        hours: 25,
      });
      expect(hours('2026-06-10', 'Atlantic/Canary')).toEqual({
        start: '2026-06-09T23:00Z',
        end: '2026-06-10T23:00Z',
        hours: 24,
      });
    });

    it("puts an instant on the clinic's date, not the server's or UTC's", () => {
      const lateEvening = new Date('2026-03-29T03:30:00Z'); // 23:30 on the 28th in New York
      expect(ClinicTime.localDate(lateEvening, 'America/New_York')).toBe('2026-03-28');
      expect(ClinicTime.localDate(lateEvening, 'Europe/Madrid')).toBe('2026-03-29');
      expect(ClinicTime.today('America/New_York', lateEvening)).toBe('2026-03-28');
      expect(ClinicTime.weekday('2026-03-29', 'Europe/Madrid')).toBe(7);
    });

    it("answers today from the day it last answered, until that day's local midnight", () => {
      // Every 20 minutes across the autumn change in Madrid (a 25-hour day), forwards and back.
      const from = Date.parse('2026-10-24T20:00:00Z');
      const instants = Array.from({ length: 90 }, (_, i) => new Date(from + i * 20 * 60_000));
      for (const at of [...instants, ...[...instants].reverse()])
        expect(ClinicTime.today('Europe/Madrid', at)).toBe(
          ClinicTime.localDate(at, 'Europe/Madrid'),
        );
    });

    it('refuses a date that is not one', () => {
      expect(() => ClinicTime.dayRange('2026-02-30', 'Europe/Madrid')).toThrow(InvalidLocalDate);
      expect(() => ClinicTime.dayRange('29/03/2026', 'Europe/Madrid')).toThrow(InvalidLocalDate);
      expect(() => ClinicTime.toInstant('2026-13-01', '10:00', 'Europe/Madrid')).toThrow(
        InvalidLocalDate,
      );
      expect(ClinicTime.isDate('2026-02-28')).toBe(true);
      expect(ClinicTime.isDate('2026-02-30')).toBe(false);
    });
  });

  describe('a series keeps its wall-clock time across a change', () => {
    // Occurrences step in calendar days on the local date, then become instants (appointment.service.ts).
    const weekly = (date: string, time: string, zone: string, count: number) =>
      Array.from({ length: count }, (_, i) =>
        iso(ClinicTime.toInstant(ClinicTime.addDays(date, 7 * i), time, zone)),
      );

    it('is at 10:00 local every Tuesday, before and after the spring change', () => {
      expect(weekly('2026-03-24', '10:00', 'Europe/Madrid', 3)).toEqual([
        '2026-03-24T09:00Z',
        '2026-03-31T08:00Z',
        '2026-04-07T08:00Z',
      ]);
    });

    it('is at 09:00 local every Friday across the autumn change in New York', () => {
      expect(weekly('2026-10-30', '09:00', 'America/New_York', 2)).toEqual([
        '2026-10-30T13:00Z',
        '2026-11-06T14:00Z',
      ]);
    });

    it('counts days on the calendar, not in 24-hour steps, and weeks from Monday', () => {
      expect(ClinicTime.addDays('2026-03-28', 1)).toBe('2026-03-29');
      expect(ClinicTime.addDays('2026-03-29', 1)).toBe('2026-03-30');
      expect(ClinicTime.addDays('2026-01-01', -1)).toBe('2025-12-31');
      expect(ClinicTime.weekStart('2026-03-29')).toBe('2026-03-23');
      expect(ClinicTime.weekStart('2026-03-30')).toBe('2026-03-30');
    });
  });
});

describe("the clinic's clock over a span (offsets once per DST segment)", () => {
  it.each([
    ['Europe/Madrid', '2031-03-30'],
    ['Europe/Madrid', '2031-10-26'],
    ['America/New_York', '2031-03-09'],
    ['America/New_York', '2031-11-02'],
    ['Australia/Lord_Howe', '2031-04-06'], // a 30-minute change
    ['Asia/Kathmandu', '2031-06-01'], // +05:45, no change
    ['UTC', '2031-06-01'],
  ])('%s on %s reads like a time-zone conversion of every minute', (zone, date) => {
    const day = ClinicTime.dayRange(date, zone);
    const clock = ClinicTime.clock(zone, day);
    // Every 7 minutes of the day, and a little before and after it (outside the span).
    for (
      let t = day.start.getTime() - 3_600_000;
      t < day.end.getTime() + 3_600_000;
      t += 7 * 60_000
    ) {
      const at = new Date(t);
      expect(clock.time(at)).toBe(ClinicTime.localTime(at, zone));
      expect(clock.date(at)).toBe(ClinicTime.localDate(at, zone));
    }
  });

  it('covers a whole week with a change inside it', () => {
    const span = {
      start: ClinicTime.dayRange('2031-10-20', 'Europe/Madrid').start,
      end: ClinicTime.dayRange('2031-10-26', 'Europe/Madrid').end,
    };
    const clock = ClinicTime.clock('Europe/Madrid', span);
    for (let t = span.start.getTime(); t < span.end.getTime(); t += 13 * 60_000) {
      const at = new Date(t);
      expect(`${clock.date(at)} ${clock.time(at)}`).toBe(
        `${ClinicTime.localDate(at, 'Europe/Madrid')} ${ClinicTime.localTime(at, 'Europe/Madrid')}`,
      );
    }
  });
});

describe("the clinic's today", () => {
  it('changes at local midnight, on a 25-hour day too, and answers for any instant asked', () => {
    const zone = 'Europe/Madrid';
    const at = (iso: string) => new Date(iso);
    // 2031-10-26 is the autumn change in Madrid: the day has 25 hours (22:00Z to 23:00Z).
    const asked: [string, string][] = [
      ['2031-10-25T21:59:59.999Z', '2031-10-25'],
      ['2031-10-25T22:00:00.000Z', '2031-10-26'],
      ['2031-10-26T22:30:00.000Z', '2031-10-26'],
      ['2031-10-26T22:59:59.999Z', '2031-10-26'],
      ['2031-10-26T23:00:00.000Z', '2031-10-27'],
      // Back in time after a later day was asked: still the right date.
      ['2031-10-25T12:00:00.000Z', '2031-10-25'],
      ['2031-10-26T10:00:00.000Z', '2031-10-26'],
    ];
    for (const [instant, date] of asked)
      expect([instant, ClinicTime.today(zone, at(instant))]).toEqual([instant, date]);
    expect(ClinicTime.today('America/New_York', at('2031-10-26T03:00:00Z'))).toBe('2031-10-25');
  });
});
