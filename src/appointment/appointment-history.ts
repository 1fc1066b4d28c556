import { Injectable, Module } from '@nestjs/common';
import { isUuid } from '../common/ids.js';
import { TenantDb } from '../database/tenant-db.js';
import { AppointmentQueries, type AppointmentView } from './appointment.queries.js';
import { holdsSlot } from './status-flow.js';

export interface AppointmentHistoryView {
  upcoming: AppointmentView[];
  past: AppointmentView[];
  /** The last completed visit. */
  lastVisit: AppointmentView | null;
}

/** Splits appointments (newest first) into what is coming (soonest first) and what was. */
export function splitHistory(rows: AppointmentView[], now: Date): AppointmentHistoryView {
  const upcoming = rows
    .filter((a) => a.startsAt >= now && holdsSlot(a.status))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const past = rows.filter((a) => !upcoming.includes(a));
  return { upcoming, past, lastVisit: past.find((a) => a.status === 'completed') ?? null };
}

/**
 * The appointments shown on a client's and a pet's page. Its own small module so the pet
 * module can use it without importing the appointment module (which imports the pet module).
 */
@Injectable()
export class AppointmentHistory {
  constructor(private readonly db: TenantDb) {}

  async of(of: { petId?: string; clientId?: string }): Promise<AppointmentHistoryView> {
    const id = of.petId ?? of.clientId;
    if (!id || !isUuid(id)) return { upcoming: [], past: [], lastVisit: null };
    const rows = await this.db.run((tx) => AppointmentQueries.history(tx, of));
    return splitHistory(rows, new Date());
  }
}

@Module({ providers: [AppointmentHistory], exports: [AppointmentHistory] })
export class AppointmentHistoryModule {}
