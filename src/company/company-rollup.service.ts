import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import {
  type ClinicRollupRow,
  type ClinicWeekDay,
  CompanyQueries,
  type PractitionerWeek,
} from './company.queries.js';

export interface ClinicRollup extends ClinicRollupRow {
  /** no-shows / appointments that were due in the last 30 days (cancelled ones excluded). */
  noShowRate: number | null;
  /** this week's booked minutes / this week's opening minutes × bookable staff. */
  utilisation: number | null;
}

export interface CompanyTotals {
  today: number;
  week: number;
  newClients: number;
  noShowRate: number | null;
  utilisation: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Numbers across a company's clinics. Reads only the listed tenants (TenantDb.runForCompany). */
@Injectable()
export class CompanyRollupService {
  constructor(private readonly db: TenantDb) {}

  async clinics(tenantIds: string[]): Promise<ClinicRollup[]> {
    if (!tenantIds.length) return [];
    const parts = await this.db.runForCompany(tenantIds, ({ eachTenant }) =>
      eachTenant((tx) => CompanyQueries.clinicRollup(tx)),
    );
    const rows = parts.flat().sort((a, b) => a.name.localeCompare(b.name));
    return rows.map((r) => ({
      ...r,
      noShowRate: ratio(r.noShows, r.pastAppointments),
      utilisation: ratio(r.bookedMinutes, r.availableMinutes),
    }));
  }

  totals(clinics: ClinicRollup[]): CompanyTotals {
    const sum = (f: (c: ClinicRollup) => number) => clinics.reduce((n, c) => n + f(c), 0);
    return {
      today: sum((c) => c.today),
      week: sum((c) => c.week),
      newClients: sum((c) => c.newClients),
      noShowRate: ratio(
        sum((c) => c.noShows),
        sum((c) => c.pastAppointments),
      ),
      utilisation: ratio(
        sum((c) => c.bookedMinutes),
        sum((c) => c.availableMinutes),
      ),
    };
  }

  /** One clinic's week by day and by practitioner. */
  async clinicWeek(
    tenantId: string,
  ): Promise<{ days: ClinicWeekDay[]; staff: PractitionerWeek[] }> {
    const [week] = await this.db.runForCompany([tenantId], ({ eachTenant }) =>
      eachTenant(async (tx) => ({
        days: await CompanyQueries.clinicWeekDays(tx),
        staff: await CompanyQueries.practitionersWeek(tx),
      })),
    );
    return week;
  }
}
