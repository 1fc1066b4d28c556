import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { StaffKind } from './staff.entity.js';

export interface StaffSummary {
  id: string;
  name: string;
  kind: StaffKind;
  takesAppointments: boolean;
}

@Injectable()
export class StaffService {
  constructor(private readonly db: TenantDb) {}

  /** The clinic's active staff, for its pages and (later) the calendar's columns. */
  listActive(): Promise<StaffSummary[]> {
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select id, name, kind, takes_appointments as "takesAppointments"
           from staff where tenant_id = $1 and active order by kind, name`,
        [tenantId],
      ),
    );
  }
}
