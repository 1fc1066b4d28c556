import { describe, expect, it } from '@jest/globals';
import {
  allowedTransitions,
  APPOINTMENT_STATUSES,
  type AppointmentStatus,
  canTransition,
  holdsSlot,
  isEditable,
} from './status-flow.js';

describe("the appointment's status flow", () => {
  it('walks a visit from booking to completion', () => {
    const day: AppointmentStatus[] = [
      'booked',
      'confirmed',
      'checked_in',
      'in_progress',
      'completed',
    ];
    for (let i = 1; i < day.length; i++)
      expect({ from: day[i - 1], to: day[i], ok: canTransition(day[i - 1], day[i]) }).toEqual({
        from: day[i - 1],
        to: day[i],
        ok: true,
      });
    expect(canTransition('booked', 'checked_in')).toBe(true); // confirming is optional
  });

  it('cancels or marks a no-show only before the consultation starts', () => {
    for (const from of ['booked', 'confirmed'] as const) {
      expect(canTransition(from, 'cancelled')).toBe(true);
      expect(canTransition(from, 'no_show')).toBe(true);
    }
    expect(canTransition('checked_in', 'cancelled')).toBe(true);
    expect(canTransition('checked_in', 'no_show')).toBe(false);
    expect(canTransition('in_progress', 'cancelled')).toBe(false);
  });

  it('never goes back, skips the check-in, or leaves an end state', () => {
    expect(canTransition('completed', 'booked')).toBe(false);
    expect(canTransition('checked_in', 'confirmed')).toBe(false);
    expect(canTransition('booked', 'in_progress')).toBe(false);
    expect(canTransition('booked', 'completed')).toBe(false);
    for (const end of ['completed', 'cancelled', 'no_show'] as const)
      expect({ end, next: allowedTransitions(end) }).toEqual({ end, next: [] });
  });

  it('never allows staying in the same status', () => {
    for (const status of APPOINTMENT_STATUSES)
      expect({ status, ok: canTransition(status, status) }).toEqual({ status, ok: false });
  });

  it('frees the slot when cancelled or a no-show, and only then', () => {
    expect(APPOINTMENT_STATUSES.filter((s) => !holdsSlot(s))).toEqual(['cancelled', 'no_show']);
  });

  it('lets only appointments not yet started be moved or resized', () => {
    expect(APPOINTMENT_STATUSES.filter(isEditable)).toEqual(['booked', 'confirmed']);
  });
});
