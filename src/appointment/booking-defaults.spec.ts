import { describe, expect, it } from '@jest/globals';
import type { AppointmentType, BookableStaff } from '../clinic/clinic.queries.js';
import { defaultStaffId, defaultTypeId, nextQuarterHour } from './booking-defaults.js';

const staff = (id: string, more: Partial<BookableStaff> = {}): BookableStaff => ({
  id,
  name: id,
  kind: 'vet',
  takesAppointments: true,
  active: true,
  userId: null,
  calendarPosition: null,
  offeredOnline: false,
  ...more,
});
const type = (id: string, more: Partial<AppointmentType> = {}): AppointmentType => ({
  id,
  name: id,
  durationMinutes: 20,
  colour: '#0b6e69',
  active: true,
  offeredOnline: false,
  isDefault: false,
  ...more,
});

describe('booking defaults', () => {
  const team = [staff('ana'), staff('bea', { userId: 'u-bea' }), staff('old', { active: false })];

  it('takes the column clicked, else the signed-in vet, else nobody', () => {
    expect(defaultStaffId(team, { column: 'ana', userId: 'u-bea' })).toBe('ana');
    expect(defaultStaffId(team, { column: 'old', userId: 'u-bea' })).toBe('bea');
    expect(defaultStaffId(team, { userId: 'u-front-desk' })).toBe('');
  });

  it("takes the clinic's default type, never the first or the longest", () => {
    const types = [type('a-long', { durationMinutes: 120 }), type('consult', { isDefault: true })];
    expect(defaultTypeId(types)).toBe('consult');
    expect(defaultTypeId(types, 'a-long')).toBe('a-long');
    expect(defaultTypeId([type('x', { isDefault: true, active: false })])).toBe('');
  });

  it('rounds up to the next quarter hour on the clinic clock', () => {
    const at = new Date('2031-05-06T08:07:00Z');
    expect(nextQuarterHour(at, 'Europe/Madrid')).toEqual({ date: '2031-05-06', time: '10:15' });
    expect(nextQuarterHour(new Date('2031-05-06T21:50:00Z'), 'UTC')).toEqual({
      date: '2031-05-06',
      time: '22:00',
    });
    expect(nextQuarterHour(new Date('2031-05-06T23:45:00Z'), 'UTC')).toEqual({
      date: '2031-05-07',
      time: '00:00',
    });
  });
});
