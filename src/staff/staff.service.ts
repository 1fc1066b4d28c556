import { Injectable } from '@nestjs/common';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import {
  type StaffKind,
  StaffQueries,
  type StaffSummary,
  type UserContact,
} from './staff.queries.js';

@Injectable()
export class StaffService {
  constructor(private readonly db: TenantDb) {}

  /** The clinic's active staff, for its pages and (later) the calendar's columns. */
  listActive(): Promise<StaffSummary[]> {
    return this.db.run((tx) => StaffQueries.listActive(tx));
  }

  /** Exactly these staff take appointments (the clinic's settings); in the caller's unit of work. */
  setBookable(tx: TenantTx, staffIds: string[]): Promise<void> {
    return StaffQueries.setBookable(tx, staffIds);
  }

  setOfferedOnline(tx: TenantTx, staffIds: string[]): Promise<void> {
    return StaffQueries.setOfferedOnline(tx, staffIds);
  }

  setCalendarOrder(tx: TenantTx, staffIds: string[]): Promise<void> {
    return StaffQueries.setCalendarOrder(tx, staffIds);
  }

  /** The user works at the clinic as `kind`: their staff row, created or reactivated; its id. */
  linkUser(
    tx: TenantTx,
    staff: { user: UserContact; kind: StaffKind; takesAppointments: boolean },
  ): Promise<string> {
    return StaffQueries.upsertForUser(tx, staff);
  }

  /** The user no longer works at the clinic: the row stays, inactive, for history; its id. */
  deactivateUser(tx: TenantTx, userId: string): Promise<string | null> {
    return StaffQueries.deactivateForUser(tx, userId);
  }
}
