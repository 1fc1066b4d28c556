import type { ClinicRollup } from './company-rollup.service.js';
import type { CompanyPerson } from './company-staff.service.js';
import type { CompanyClinic } from './company.queries.js';

/** A ratio as a whole percentage for display, or null when there was nothing to divide. */
export function percent(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 10;
}

export function clinicRows(clinics: ClinicRollup[]) {
  return clinics.map((c) => ({
    ...c,
    noShowRate: percent(c.noShowRate),
    utilisation: percent(c.utilisation),
    bookedHours: Math.round(c.bookedMinutes / 6) / 10,
    availableHours: Math.round(c.availableMinutes / 6) / 10,
    revenueChange: percent(c.revenue.change),
    revenueUp: (c.revenue.change ?? 0) > 0,
  }));
}

/** One row per person, one cell per clinic of the company (role or nothing). */
export function staffMatrix(people: CompanyPerson[], clinics: CompanyClinic[]) {
  return people.map((p) => ({
    ...p,
    cells: clinics.map((c) => ({
      clinicSlug: c.slug,
      clinicName: c.name,
      role: p.roles[c.slug] ?? null,
    })),
  }));
}
