import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The record fields an audit entry may name (src/record/record-audit.ts). */
const FIELDS = `array['summary', 'subjective', 'objective', 'assessment', 'plan', 'weightValue',
  'weightUnit', 'temperatureC', 'heartRate', 'respiratoryRate', 'appointmentId']`;

/**
 * Audit entries of medical records used to hold the SOAP text and addendum bodies; the audit
 * log is read by people who may not read clinical content. Existing entries are rewritten to
 * the shape the app now writes: which fields a record was written with or changed, never
 * their text. The owner is subject to the forced tenant policy, so it is lifted for this one
 * transaction (migrations run in one) and forced again.
 */
export class RecordAuditFieldNames1733100000000 implements MigrationInterface {
  name = 'RecordAuditFieldNames1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table audit_events no force row level security;

      update audit_events set after = jsonb_build_object(
          'petId', after -> 'petId',
          'appointmentId', after -> 'appointmentId',
          'fields', coalesce((select jsonb_agg(f order by f) from unnest(${FIELDS}) f
                               where nullif(after ->> f, '') is not null), '[]'::jsonb))
       where entity = 'medical_record' and action = 'medical_record.created'
         and after is not null and not after ? 'fields';

      update audit_events set
          before = jsonb_build_object('version', before -> 'version'),
          after = jsonb_build_object('changed', coalesce((select jsonb_agg(f order by f) from unnest(${FIELDS}) f
                   where nullif(before ->> f, '') is distinct from nullif(after ->> f, '')), '[]'::jsonb))
       where entity = 'medical_record' and action = 'medical_record.updated'
         and after is not null and not after ? 'changed';

      update audit_events set after = after - 'body'
       where entity = 'medical_record' and action = 'medical_record.addendum_added' and after ? 'body';

      alter table audit_events force row level security;
    `);
  }

  /** The clinical text is gone on purpose: nothing to put back. */
  async down(): Promise<void> {}
}
