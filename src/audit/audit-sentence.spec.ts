import { describe, expect, it } from '@jest/globals';
import { Translator } from '../i18n/i18n.js';
import { describeAuditEvent } from './audit-sentence.js';
import type { AuditEvent } from './audit.queries.js';

const translator = new Translator();
const moved: AuditEvent = {
  id: 'e1',
  occurredAt: new Date('2031-06-10T08:00:00Z'),
  actorUserId: 'u1',
  actorName: 'Ana García',
  action: 'appointment.moved',
  entity: 'appointment',
  entityId: 'a1',
  before: {
    staffId: 's1',
    staffName: 'Dr. Ruiz',
    startsAt: '2031-06-10T08:00:00.000Z',
    status: 'booked',
    version: 1,
  },
  after: {
    staffId: 's1',
    staffName: 'Dr. Ruiz',
    startsAt: '2031-06-10T09:30:00.000Z',
    status: 'checked_in',
    version: 2,
  },
};

describe('the audit log in sentences', () => {
  it('says what happened in Spanish with Madrid times and labelled, translated changes', () => {
    const line = describeAuditEvent(moved, {
      translator,
      locale: 'es',
      timeZone: 'Europe/Madrid',
      details: true,
    });
    expect(line.sentence).toBe('Ana García movió una cita');
    expect(line.subject).toBe('Dr. Ruiz · 10 jun 2031, 11:30');
    expect(line.changes).toEqual([
      { label: 'Inicio', before: '10 jun 2031, 10:00', after: '10 jun 2031, 11:30' },
      { label: 'Estado', before: 'Reservada', after: 'En sala de espera' },
    ]);
  });

  it('gives a company admin the sentence only, and an unknown action a generic one', () => {
    const reader = { translator, locale: 'en' as const, timeZone: 'UTC', details: false };
    expect(describeAuditEvent(moved, reader)).toEqual({
      sentence: 'Ana García moved an appointment',
      subject: null,
      changes: [],
    });
    const odd = { ...moved, action: 'appointment.teleported', actorName: null };
    expect(describeAuditEvent(odd, reader).sentence).toBe('System changed an appointment');
  });
});
