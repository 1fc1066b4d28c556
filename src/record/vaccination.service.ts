import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { actingUser, TenantDb } from '../database/tenant-db.js';
import { OwnerMessages } from '../message/owner-messages.service.js';
import { RecordQueries, VaccinationQueries } from './record.queries.js';
import type { VaccinationForm } from './record.schemas.js';
import type { DueVaccination, Vaccination } from './record.types.js';

/** Vaccinations given, and the clinic's list of boosters coming due. */
@Injectable()
export class VaccinationService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly messages: OwnerMessages,
  ) {}

  listForPet(petId: string): Promise<Vaccination[]> {
    return this.db.run((tx) => VaccinationQueries.ofPet(tx, petId));
  }

  /** The doses of all of a client's pets, newest first (the client page's next-due dates). */
  listForClient(clientId: string): Promise<(Vaccination & { petId: string })[]> {
    if (!isUuid(clientId)) return Promise.resolve([]);
    return this.db.run((tx) => VaccinationQueries.ofClientPets(tx, clientId));
  }

  async add(petId: string, form: VaccinationForm): Promise<string> {
    if (!isUuid(petId)) throw new NotFoundError('pet');
    return this.db.run(async (tx) => {
      const by = actingUser(tx);
      if (!(await RecordQueries.petExists(tx, petId))) throw new NotFoundError('pet');
      const id = await VaccinationQueries.insert(tx, { petId, form, by });
      await this.audit.record(tx, {
        action: 'vaccination.given',
        entity: 'vaccination',
        entityId: id,
        after: { ...form, petId },
      });
      await this.messages.enqueue(tx, { kind: 'vaccination_due', vaccinationId: id });
      return id;
    });
  }

  /**
   * Boosters due from the clinic's today (its own time zone) through `days` ahead, plus
   * overdue ones; only the latest dose of each product per pet counts, so a booster already
   * given takes the old due date off the list.
   */
  dueSoon(days = 30): Promise<DueVaccination[]> {
    return this.db.run((tx) => {
      const today = DateTime.now().setZone(tx.tenant.timeZone).toISODate()!;
      return VaccinationQueries.dueSoon(tx, today, days);
    });
  }
}
