import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { RequestContexts } from '../tenant/request-context.js';
import { canReadClinical } from './record-access.js';
import { RecordChangedMeanwhile, RecordLocked } from './record.errors.js';
import {
  FINALISE,
  INSERT_RECORD,
  PET_BRIEF,
  RECORD_CLINICAL_COLUMNS,
  RECORD_SUMMARY_COLUMNS,
  UPDATE_DRAFT,
  WEIGHT_SERIES,
} from './record.queries.js';
import type { RecordForm } from './record.schemas.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PetBrief {
  id: string;
  name: string;
  species: string;
  breed: string | null;
  clientId: string;
  ownerName: string;
}

export interface RecordSummary {
  id: string;
  petId: string;
  appointmentId: string | null;
  summary: string;
  status: 'draft' | 'final';
  authorName: string;
  recordedAt: Date;
  finalisedAt: Date | null;
  finalisedByName: string | null;
  version: number;
  attachmentCount: number;
}

export interface RecordClinical extends RecordSummary {
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  weightValue: number | null;
  weightUnit: 'kg' | 'lb' | null;
  weightKg: number | null;
  temperatureC: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  authorUserId: string;
}

export interface Addendum {
  id: string;
  authorName: string;
  body: string;
  createdAt: Date;
}

/** TypeORM answers UPDATE … RETURNING with [rows, count] and INSERT with rows. */
function returnedRows(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]))
    return result[0] as unknown[];
  return Array.isArray(result) ? result : [];
}

function actor() {
  const user = RequestContexts.current()?.user;
  if (!user) throw new Error('record changes need a signed-in user');
  return user;
}

function formValues(form: RecordForm) {
  return [
    form.summary,
    form.subjective,
    form.objective,
    form.assessment,
    form.plan,
    form.weightValue,
    form.weightValue === null ? null : form.weightUnit,
    form.weightKg,
    form.temperatureC,
    form.heartRate,
    form.respiratoryRate,
  ];
}

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
    if (!UUID.test(petId)) throw new NotFoundError('pet');
    return this.db.run(async ({ manager, tenantId }) => {
      const [pet] = await manager.query(PET_BRIEF, [tenantId, petId]);
      if (!pet) throw new NotFoundError('pet');
      return pet as PetBrief;
    });
  }

  /** The pet's records, newest first; clinical fields only for those who may read them. */
  listForPet(petId: string): Promise<(RecordSummary | RecordClinical)[]> {
    const clinical = canReadClinical();
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select ${RECORD_SUMMARY_COLUMNS}${clinical ? `, ${RECORD_CLINICAL_COLUMNS}` : ''}
           from medical_records r where r.tenant_id = $1 and r.pet_id = $2
          order by r.recorded_at desc, r.id`,
        [tenantId, petId],
      ),
    );
  }

  weightSeries(petId: string): Promise<{ at: Date; kg: number }[]> {
    return this.db.run(({ manager, tenantId }) => manager.query(WEIGHT_SERIES, [tenantId, petId]));
  }

  /** One record; front desk gets the summary only, clinical readers everything. */
  async get(recordId: string): Promise<{
    record: RecordSummary | RecordClinical;
    addenda: Addendum[];
    clinical: boolean;
  }> {
    if (!UUID.test(recordId)) throw new NotFoundError('record');
    const clinical = canReadClinical();
    return this.db.run(async ({ manager, tenantId }) => {
      const [record] = await manager.query(
        `select ${RECORD_SUMMARY_COLUMNS}${clinical ? `, ${RECORD_CLINICAL_COLUMNS}` : ''}
           from medical_records r where r.tenant_id = $1 and r.id = $2`,
        [tenantId, recordId],
      );
      if (!record) throw new NotFoundError('record');
      const addenda: Addendum[] = clinical
        ? await manager.query(
            `select id, author_name as "authorName", body, created_at as "createdAt"
               from medical_record_addenda where tenant_id = $1 and record_id = $2
              order by created_at, id`,
            [tenantId, recordId],
          )
        : [];
      return { record, addenda, clinical };
    });
  }

  async create(petId: string, form: RecordForm): Promise<string> {
    const user = actor();
    return this.db.run(async (tx) => {
      await this.assertPet(tx, petId);
      if (form.appointmentId) await this.assertAppointment(tx, petId, form.appointmentId);
      const [{ id }] = await tx.manager.query(INSERT_RECORD, [
        tx.tenantId,
        petId,
        form.appointmentId,
        user.id,
        user.name,
        ...formValues(form),
      ]);
      await this.audit.record(tx, {
        action: 'medical_record.created',
        entity: 'medical_record',
        entityId: id,
        after: { ...form, petId },
      });
      return id as string;
    });
  }

  /** Saves a draft opened at `form.version`; a finalised record refuses every change. */
  async update(recordId: string, form: RecordForm): Promise<void> {
    const { record } = await this.get(recordId);
    if (record.status === 'final') throw new RecordLocked();
    await this.db.run(async (tx) => {
      if (form.appointmentId) await this.assertAppointment(tx, record.petId, form.appointmentId);
      const updated = await tx.manager.query(UPDATE_DRAFT, [
        tx.tenantId,
        recordId,
        ...formValues(form),
        form.appointmentId,
        form.version ?? record.version,
      ]);
      if (!returnedRows(updated).length) {
        const [now] = await tx.manager.query(
          'select status from medical_records where tenant_id = $1 and id = $2',
          [tx.tenantId, recordId],
        );
        throw now?.status === 'final' ? new RecordLocked() : new RecordChangedMeanwhile();
      }
      await this.audit.record(tx, {
        action: 'medical_record.updated',
        entity: 'medical_record',
        entityId: recordId,
        before: record,
        after: form,
      });
    });
  }

  async finalise(recordId: string): Promise<void> {
    const user = actor();
    await this.get(recordId);
    await this.db.run(async (tx) => {
      const result = await tx.manager.query(FINALISE, [tx.tenantId, recordId, user.id, user.name]);
      if (!returnedRows(result).length) throw new RecordLocked();
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
    const user = actor();
    const { record } = await this.get(recordId);
    if (record.status !== 'final') throw new RecordLocked();
    await this.db.run(async (tx) => {
      const [{ id }] = await tx.manager.query(
        `insert into medical_record_addenda (tenant_id, record_id, author_user_id, author_name, body)
         values ($1, $2, $3, $4, $5) returning id`,
        [tx.tenantId, recordId, user.id, user.name, body],
      );
      await this.audit.record(tx, {
        action: 'medical_record.addendum_added',
        entity: 'medical_record',
        entityId: recordId,
        after: { addendumId: id, body },
      });
    });
  }

  /** Who changed the record when (the audit log), for clinical readers. */
  history(recordId: string) {
    return this.db.run((tx) => this.audit.history(tx, 'medical_record', recordId));
  }

  /** The pet's appointments a record may be linked to (most recent first). */
  appointmentsForPet(petId: string): Promise<{ id: string; startsAt: Date; status: string }[]> {
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select id, starts_at as "startsAt", status from appointments
          where tenant_id = $1 and pet_id = $2 and starts_at < now() + interval '1 day'
          order by starts_at desc limit 20`,
        [tenantId, petId],
      ),
    );
  }

  private async assertPet(tx: TenantTx, petId: string) {
    if (!UUID.test(petId)) throw new NotFoundError('pet');
    const [pet] = await tx.manager.query('select 1 from pets where tenant_id = $1 and id = $2', [
      tx.tenantId,
      petId,
    ]);
    if (!pet) throw new NotFoundError('pet');
  }

  private async assertAppointment(tx: TenantTx, petId: string, appointmentId: string) {
    const [row] = await tx.manager.query(
      'select 1 from appointments where tenant_id = $1 and id = $2 and pet_id = $3',
      [tx.tenantId, appointmentId, petId],
    );
    if (!row) throw new ValidationFailed({ appointmentId: 'Not an appointment of this pet' });
  }
}
