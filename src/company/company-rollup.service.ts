import { Injectable } from '@nestjs/common';
import { TakingsService } from '../billing/takings.service.js';
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
  /** Revenue before tax of the last 30 days and the 30 before, in the clinic's own currency. */
  revenue: { currency: string; currentMinor: string; previousMinor: string; change: number | null };
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
  constructor(
    private readonly db: TenantDb,
    private readonly takings: TakingsService,
  ) {}

  async clinics(tenantIds: string[]): Promise<ClinicRollup[]> {
    if (!tenantIds.length) return [];
    const parts = await this.db.runForCompany(tenantIds, ({ eachTenant }) =>
      eachTenant(async (tx) => {
        const revenue = await this.takings.revenue(tx);
        return (await CompanyQueries.clinicRollup(tx)).map((row) => ({ row, revenue }));
      }),
    );
    const rows = parts.flat().sort((a, b) => a.row.name.localeCompare(b.row.name));
    return rows.map(({ row: r, revenue }) => ({
      ...r,
      revenue: {
        currency: revenue.currency,
        currentMinor: revenue.currentMinor.toString(),
        previousMinor: revenue.previousMinor.toString(),
        change: revenue.previousMinor
          ? Number(revenue.currentMinor - revenue.previousMinor) / Number(revenue.previousMinor)
          : null,
      },
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
