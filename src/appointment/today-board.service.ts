import { LiveSequences } from './live-sequences.js';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { isUuid } from '../common/ids.js';
import { TenantDb } from '../database/tenant-db.js';
import { TenantService } from '../tenant/tenant.service.js';
import { NotReadyToGo } from './appointment.errors.js';
import { AppointmentEvents } from './appointment.events.js';
import { AppointmentQueries } from './appointment.queries.js';
import { AppointmentService } from './appointment.service.js';
import { ACTION_STATUS, type TodayAction, todayRows } from './today-board.js';

/** The front desk's today board: who is expected, who is here, who can go. */
@Injectable()
export class TodayBoardService {
  constructor(
    private readonly db: TenantDb,
    private readonly appointments: AppointmentService,
    private readonly events: AppointmentEvents,
    private readonly audit: AuditService,
    private readonly tenants: TenantService,
  ) {}

  board(now = new Date()) {
    return this.db.readTogether(async (tx) => {
      const zone = tx.tenant.timeZone;
      const date = ClinicTime.today(zone, now);
      const [appointments, graceMinutes] = await Promise.all([
        AppointmentQueries.inRange(tx, ClinicTime.dayRange(date, zone)),
        this.tenants.noShowGraceMinutes(tx),
      ]);
      return { date, graceMinutes, rows: todayRows(appointments, { now, graceMinutes }) };
    });
  }

  /** One click on the board: a status step, or the patient leaving after the consult. */
  async advance(id: string, action: TodayAction): Promise<void> {
    if (action !== 'checkOut') {
      await this.appointments.changeStatus(id, { to: ACTION_STATUS[action] });
      return;
    }
    if (!isUuid(id)) throw new NotFoundError('appointment');
    const [tenantId, appointment, seq] = await this.db.run(async (tx) => {
      const before = await AppointmentQueries.byId(tx, id);
      if (!before) throw new NotFoundError('appointment');
      if (!(await AppointmentQueries.checkOut(tx, id))) throw new NotReadyToGo();
      const after = (await AppointmentQueries.byId(tx, id))!;
      await this.audit.record(tx, {
        action: 'appointment.checked_out',
        entity: 'appointment',
        entityId: id,
        after: { checkedOutAt: after.checkedOutAt },
      });
      return [tx.tenantId, after, await LiveSequences.take(tx, 1)] as const;
    });
    this.events.publish({ type: 'status', tenantId, seq, appointment });
  }
}
