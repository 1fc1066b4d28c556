import type { ClinicRole } from '../tenant/request-context.js';

/**
 * Who does what in billing. Routes carry these as `@ClinicRoles(...)`. Vets and nurses add
 * charges; the front desk checks out and takes payments; managers do both and keep the price list.
 */
export const CHARGE_WRITERS: ClinicRole[] = ['vet', 'nurse', 'manager'];
export const CASHIERS: ClinicRole[] = ['front_desk', 'manager'];
export const PRICE_KEEPERS: ClinicRole[] = ['manager', 'company_admin'];
export const TAKINGS_READERS: ClinicRole[] = ['front_desk', 'manager', 'company_admin'];
