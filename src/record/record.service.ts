import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { actingUser, TenantDb, type TenantTx } from '../database/tenant-db.js';
import { canReadClinical } from './record-access.js';
import { changedFields, filledFields } from './record-audit.js';
import { RecordChangedMeanwhile, RecordLocked } from './record.errors.js';
import { RecordQueries } from './record.queries.js';
import type { RecordForm } from './record.schemas.js';
import type {
  Addendum,
  LinkableAppointment,
  PetBrief,
  RecordClinical,
  RecordSummary,
  WeightPoint,
} from './record.types.js';
import { once } from '../idempotency/once.js';

/**
 * Medical records: drafts that vets and nurses write, a vet finalises (then locked), and
 * addenda after that. Every change is in the audit log, so the history is kept.
 */
@Injectable()
export class RecordService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  pet(petId: string): Promise<PetBrief> {
    if (!isUuid(petId)) throw new NotFoundError('pet');
    return this.db.run(async (tx) => {
      const pet = await RecordQueries.petBrief(tx, petId);
      if (!pet) throw new NotFoundError('pet');
      return pet;
    });
  }

  /** The pet's records, newest first; clinical fields only for those who may read them. */
  listForPet(petId: string): Promise<(RecordSummary | RecordClinical)[]> {
    const clinical = canReadClinical();
    return this.db.run((tx) => RecordQueries.forPet(tx, petId, clinical));
  }

  weightSeries(petId: string): Promise<WeightPoint[]> {
    return this.db.run((tx) => RecordQueries.weightSeries(tx, petId));
  }

  /** One record; front desk gets the summary only, clinical readers everything. */
  async get(recordId: string): Promise<{
    record: RecordSummary | RecordClinical;
    addenda: Addendum[];
    clinical: boolean;
  }> {
    if (!isUuid(recordId)) throw new NotFoundError('record');
    const clinical = canReadClinical();
    return this.db.run(async (tx) => {
      const record = await RecordQueries.byId(tx, recordId, clinical);
      if (!record) throw new NotFoundError('record');
      const addenda = clinical ? await RecordQueries.addenda(tx, recordId) : [];
      return { record, addenda, clinical };
    });
  }

  async create(petId: string, form: RecordForm): Promise<string> {
    return this.db.run((tx) =>
      once(tx, 'record.create', async () => {
        const author = actingUser(tx);
        await this.assertPet(tx, petId);
        if (form.appointmentId) await this.assertAppointment(tx, petId, form.appointmentId);
        const id = await RecordQueries.insert(tx, { petId, author, form });
        await this.audit.record(tx, {
          action: 'medical_record.created',
          entity: 'medical_record',
          entityId: id,
          after: { petId, appointmentId: form.appointmentId, fields: filledFields(form) },
        });
        return id;
      }),
    );
  }

  /** Saves a draft opened at `form.version`; a finalised record refuses every change. */
  async update(recordId: string, form: RecordForm): Promise<void> {
    const { record } = await this.get(recordId);
    if (record.status === 'final') throw new RecordLocked();
    await this.db.run(async (tx) => {
      if (form.appointmentId) await this.assertAppointment(tx, record.petId, form.appointmentId);
      const version = form.version ?? record.version;
      if (!(await RecordQueries.updateDraft(tx, { recordId, form, version }))) {
        const now = await RecordQueries.status(tx, recordId);
        throw now === 'final' ? new RecordLocked() : new RecordChangedMeanwhile();
      }
      await this.audit.record(tx, {
        action: 'medical_record.updated',
        entity: 'medical_record',
        entityId: recordId,
        before: { version: record.version },
        after: { changed: changedFields(record, form) },
      });
    });
  }

  async finalise(recordId: string): Promise<void> {
    await this.get(recordId);
    await this.db.run(async (tx) => {
      if (!(await RecordQueries.finalise(tx, recordId, actingUser(tx)))) throw new RecordLocked();
      await this.audit.record(tx, {
        action: 'medical_record.finalised',
        entity: 'medical_record',
        entityId: recordId,
        after: { status: 'final' },
      });
    });
  }

  /** A correction to a finalised record: appended, never editing what was signed. */
  async addAddendum(recordId: string, body: string): Promise<void> {
    const { record } = await this.get(recordId);
    if (record.status !== 'final') throw new RecordLocked();
    await this.db.run(async (tx) => {
      const author = actingUser(tx);
      const id = await RecordQueries.insertAddendum(tx, { recordId, author, body });
      await this.audit.record(tx, {
        action: 'medical_record.addendum_added',
        entity: 'medical_record',
        entityId: recordId,
        after: { addendumId: id },
      });
    });
  }

  /** Who changed the record when (the audit log), for clinical readers. */
  history(recordId: string) {
    return this.db.run((tx) => this.audit.history(tx, 'medical_record', recordId));
  }

  /** The pet's appointments a record may be linked to (most recent first). */
  appointmentsForPet(petId: string): Promise<LinkableAppointment[]> {
    return this.db.run((tx) => RecordQueries.linkableAppointments(tx, petId));
  }

  private async assertPet(tx: TenantTx, petId: string) {
    if (!isUuid(petId) || !(await RecordQueries.petExists(tx, petId)))
      throw new NotFoundError('pet');
  }

  private async assertAppointment(tx: TenantTx, petId: string, appointmentId: string) {
    if (!(await RecordQueries.appointmentOfPet(tx, appointmentId, petId)))
      throw new ValidationFailed({ appointmentId: 'Not an appointment of this pet' });
  }
}
