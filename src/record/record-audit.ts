import type { RecordForm } from './record.schemas.js';
import type { RecordClinical, RecordSummary } from './record.types.js';

/**
 * The record fields an audit entry may name. Audit entries of records say which fields
 * changed, never their text: the audit log is read by people who may not read clinical
 * content, and it outlives corrections (an addendum does not erase what the log holds).
 */
const RECORD_FIELDS = [
  'summary',
  'subjective',
  'objective',
  'assessment',
  'plan',
  'weightValue',
  'weightUnit',
  'temperatureC',
  'heartRate',
  'respiratoryRate',
  'appointmentId',
] as const;

type FieldValues = Partial<Record<(typeof RECORD_FIELDS)[number], unknown>>;

const blank = (v: unknown) => v === null || v === undefined || v === '';

/** The fields a new record was written with. */
export function filledFields(form: RecordForm): string[] {
  const values: FieldValues = form;
  return RECORD_FIELDS.filter(
    (f) => !blank(values[f]) && !(f === 'weightUnit' && blank(values.weightValue)),
  );
}

/** The fields a saved draft changed. */
export function changedFields(before: RecordSummary | RecordClinical, after: RecordForm): string[] {
  const was: FieldValues = before;
  const now: FieldValues = after;
  return RECORD_FIELDS.filter((f) => {
    const a = blank(was[f]) ? null : String(was[f]);
    const b = blank(now[f]) ? null : String(now[f]);
    return a !== b;
  });
}
