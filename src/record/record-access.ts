import type { ClinicRole } from '../tenant/request-context.js';
import { currentTenant } from '../tenant/request-context.js';

/**
 * Who sees what of the medical record. Vets and nurses write; a vet finalises; the clinic
 * manager reads clinical content; front desk and company admins see the list and summary
 * only. The platform admin never enters a clinic's record pages (not in any list).
 *
 * The role lists are access: routes carry them as `@ClinicRoles(...)`. The `can*` helpers
 * only shape content a role may already reach (clinical columns, which buttons show).
 */
export const RECORD_WRITERS: ClinicRole[] = ['vet', 'nurse'];
export const RECORD_FINALISERS: ClinicRole[] = ['vet'];
export const CLINICAL_READERS: ClinicRole[] = ['vet', 'nurse', 'manager'];
export const SUMMARY_READERS: ClinicRole[] = [...CLINICAL_READERS, 'front_desk', 'company_admin'];

export function canReadClinical(role = currentTenant().role): boolean {
  return CLINICAL_READERS.includes(role);
}

export function canWriteRecords(role = currentTenant().role): boolean {
  return RECORD_WRITERS.includes(role);
}

export function canFinalise(role = currentTenant().role): boolean {
  return RECORD_FINALISERS.includes(role);
}
