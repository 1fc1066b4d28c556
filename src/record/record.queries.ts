import { type ActingUser, firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';
import type { RecordForm, VaccinationForm } from './record.schemas.js';
import type {
  Addendum,
  AttachmentRow,
  DueVaccination,
  LinkableAppointment,
  PetBrief,
  RecordClinical,
  RecordSummary,
  Vaccination,
  WeightPoint,
} from './record.types.js';

/* SQL of the record module, in one place. Every query filters on tenant_id = $1. */

const SUMMARY_COLUMNS = `
  r.id, r.pet_id as "petId", r.appointment_id as "appointmentId", r.summary, r.status,
  r.author_name as "authorName", r.recorded_at as "recordedAt", r.finalised_at as "finalisedAt",
  r.finalised_by_name as "finalisedByName", r.version,
  (select count(*) from attachments a where a.tenant_id = r.tenant_id and a.record_id = r.id)::int as "attachmentCount"`;

const CLINICAL_COLUMNS = `
  r.subjective, r.objective, r.assessment, r.plan,
  r.weight_value::float8 as "weightValue", r.weight_unit as "weightUnit", r.weight_kg::float8 as "weightKg",
  r.temperature_c::float8 as "temperatureC", r.heart_rate as "heartRate",
  r.respiratory_rate as "respiratoryRate", r.author_user_id as "authorUserId"`;

const ATTACHMENT_COLUMNS = `a.id, a.record_id as "recordId", a.kind, a.content_type as "contentType",
  a.size_bytes::float8 as "sizeBytes", a.width, a.height, a.display_name as "displayName",
  a.uploaded_by_name as "uploadedByName", a.created_at as "createdAt",
  a.object_key as "objectKey", a.thumbnail_key as "thumbnailKey"`;

const VACCINATION_COLUMNS = `v.id, to_char(v.given_on, 'YYYY-MM-DD') as "givenOn", v.product, v.batch,
  to_char(v.next_due_on, 'YYYY-MM-DD') as "nextDueOn", v.given_by_name as "givenByName"`;

/** The record's columns: the summary, and the clinical fields for those who may read them. */
const recordColumns = (clinical: boolean) =>
  clinical ? `${SUMMARY_COLUMNS}, ${CLINICAL_COLUMNS}` : SUMMARY_COLUMNS;

/** The form's values as $3…$13 of the insert and the draft update. */
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

async function exists(tx: TenantTx, sql: string, params: unknown[]): Promise<boolean> {
  return (await tx.manager.query<unknown[]>(sql, [tx.tenantId, ...params])).length > 0;
}

export const RecordQueries = {
  petBrief(tx: TenantTx, petId: string): Promise<PetBrief | null> {
    return firstRow<PetBrief>(
      tx.manager,
      `select p.id, p.name, p.species, p.breed, p.client_id as "clientId",
              c.first_name || ' ' || c.last_name as "ownerName"
         from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
        where p.tenant_id = $1 and p.id = $2`,
      [tx.tenantId, petId],
    );
  },

  petExists(tx: TenantTx, petId: string): Promise<boolean> {
    return exists(tx, 'select 1 from pets where tenant_id = $1 and id = $2', [petId]);
  },

  appointmentOfPet(tx: TenantTx, appointmentId: string, petId: string): Promise<boolean> {
    return exists(
      tx,
      'select 1 from appointments where tenant_id = $1 and id = $2 and pet_id = $3',
      [appointmentId, petId],
    );
  },

  /** The pet's records, newest first. */
  forPet(
    tx: TenantTx,
    petId: string,
    clinical: boolean,
  ): Promise<(RecordSummary | RecordClinical)[]> {
    return tx.manager.query<(RecordSummary | RecordClinical)[]>(
      `select ${recordColumns(clinical)} from medical_records r where r.tenant_id = $1 and r.pet_id = $2
        order by r.recorded_at desc, r.id`,
      [tx.tenantId, petId],
    );
  },

  byId(
    tx: TenantTx,
    recordId: string,
    clinical: boolean,
  ): Promise<RecordSummary | RecordClinical | null> {
    return firstRow<RecordSummary | RecordClinical>(
      tx.manager,
      `select ${recordColumns(clinical)} from medical_records r where r.tenant_id = $1 and r.id = $2`,
      [tx.tenantId, recordId],
    );
  },

  /** The record's status; `lock` holds it (FOR SHARE) so a finalise waits for this transaction. */
  async status(
    tx: TenantTx,
    recordId: string,
    opts: { lock?: boolean } = {},
  ): Promise<'draft' | 'final' | null> {
    const [row] = await tx.manager.query<{ status: 'draft' | 'final' }[]>(
      `select status from medical_records where tenant_id = $1 and id = $2${opts.lock ? ' for share' : ''}`,
      [tx.tenantId, recordId],
    );
    return row?.status ?? null;
  },

  weightSeries(tx: TenantTx, petId: string): Promise<WeightPoint[]> {
    return tx.manager.query<WeightPoint[]>(
      `select recorded_at as "at", weight_kg::float8 as "kg"
         from medical_records where tenant_id = $1 and pet_id = $2 and weight_kg is not null
        order by recorded_at`,
      [tx.tenantId, petId],
    );
  },

  addenda(tx: TenantTx, recordId: string): Promise<Addendum[]> {
    return tx.manager.query<Addendum[]>(
      `select id, author_name as "authorName", body, created_at as "createdAt"
         from medical_record_addenda where tenant_id = $1 and record_id = $2
        order by created_at, id`,
      [tx.tenantId, recordId],
    );
  },

  /** The pet's appointments a record may be linked to (most recent first). */
  linkableAppointments(tx: TenantTx, petId: string): Promise<LinkableAppointment[]> {
    return tx.manager.query<LinkableAppointment[]>(
      `select id, starts_at as "startsAt", status from appointments
        where tenant_id = $1 and pet_id = $2 and starts_at < now() + interval '1 day'
        order by starts_at desc limit 20`,
      [tx.tenantId, petId],
    );
  },

  async insert(
    tx: TenantTx,
    record: { petId: string; author: ActingUser; form: RecordForm },
  ): Promise<string> {
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into medical_records (tenant_id, pet_id, appointment_id, author_user_id, author_name, summary,
         subjective, objective, assessment, plan, weight_value, weight_unit, weight_kg, temperature_c,
         heart_rate, respiratory_rate)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       returning id`,
      [
        tx.tenantId,
        record.petId,
        record.form.appointmentId,
        record.author.id,
        record.author.name,
        ...formValues(record.form),
      ],
    );
    return row.id;
  },

  /** Only a draft at the version the form was opened on changes: a lost update is impossible. */
  async updateDraft(
    tx: TenantTx,
    draft: { recordId: string; form: RecordForm; version: number },
  ): Promise<boolean> {
    const rows = await returningRows<{ version: number }>(
      tx.manager,
      `update medical_records set summary = $3, subjective = $4, objective = $5, assessment = $6, plan = $7,
         weight_value = $8, weight_unit = $9, weight_kg = $10, temperature_c = $11, heart_rate = $12,
         respiratory_rate = $13, appointment_id = $14, version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2 and status = 'draft' and version = $15
       returning version`,
      [
        tx.tenantId,
        draft.recordId,
        ...formValues(draft.form),
        draft.form.appointmentId,
        draft.version,
      ],
    );
    return rows.length > 0;
  },

  /** False when the record was no longer a draft. */
  async finalise(tx: TenantTx, recordId: string, by: ActingUser): Promise<boolean> {
    const rows = await returningRows<{ finalisedAt: Date }>(
      tx.manager,
      `update medical_records set status = 'final', finalised_at = now(), finalised_by_user_id = $3,
         finalised_by_name = $4, version = version + 1, updated_at = now()
        where tenant_id = $1 and id = $2 and status = 'draft'
       returning finalised_at as "finalisedAt"`,
      [tx.tenantId, recordId, by.id, by.name],
    );
    return rows.length > 0;
  },

  async insertAddendum(
    tx: TenantTx,
    addendum: { recordId: string; author: ActingUser; body: string },
  ): Promise<string> {
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into medical_record_addenda (tenant_id, record_id, author_user_id, author_name, body)
       values ($1, $2, $3, $4, $5) returning id`,
      [tx.tenantId, addendum.recordId, addendum.author.id, addendum.author.name, addendum.body],
    );
    return row.id;
  },
};

export const AttachmentQueries = {
  /** Records the stored object(s); when the row was written. */
  async insert(
    tx: TenantTx,
    row: Omit<AttachmentRow, 'createdAt' | 'uploadedByName'> & { thumbnailBytes: number },
    by: ActingUser,
  ): Promise<Date> {
    const [saved] = await tx.manager.query<{ createdAt: Date }[]>(
      `insert into attachments (tenant_id, id, record_id, kind, content_type, object_key, thumbnail_key,
         size_bytes, width, height, display_name, uploaded_by_user_id, uploaded_by_name, thumbnail_bytes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       returning created_at as "createdAt"`,
      [
        tx.tenantId,
        row.id,
        row.recordId,
        row.kind,
        row.contentType,
        row.objectKey,
        row.thumbnailKey,
        row.sizeBytes,
        row.width,
        row.height,
        row.displayName,
        by.id,
        by.name,
        row.thumbnailBytes,
      ],
    );
    return saved.createdAt;
  },

  byId(tx: TenantTx, id: string): Promise<AttachmentRow | null> {
    return firstRow<AttachmentRow>(
      tx.manager,
      `select ${ATTACHMENT_COLUMNS} from attachments a where a.tenant_id = $1 and a.id = $2`,
      [tx.tenantId, id],
    );
  },

  ofRecord(tx: TenantTx, recordId: string): Promise<AttachmentRow[]> {
    return tx.manager.query<AttachmentRow[]>(
      `select ${ATTACHMENT_COLUMNS} from attachments a where a.tenant_id = $1 and a.record_id = $2
        order by a.created_at, a.id`,
      [tx.tenantId, recordId],
    );
  },

  /** The pet's images across its records, newest first. */
  imagesOfPet(tx: TenantTx, petId: string, limit: number): Promise<AttachmentRow[]> {
    return tx.manager.query<AttachmentRow[]>(
      `select ${ATTACHMENT_COLUMNS} from attachments a
         join medical_records r on r.tenant_id = a.tenant_id and r.id = a.record_id
        where a.tenant_id = $1 and r.pet_id = $2 and a.kind = 'image'
        order by a.created_at desc limit $3`,
      [tx.tenantId, petId, limit],
    );
  },

  /** Deletes the row; the bytes its object and thumbnail took (0 when there was no row). */
  async delete(tx: TenantTx, id: string): Promise<number> {
    const row = await firstRow<{ bytes: string }>(
      tx.manager,
      `delete from attachments where tenant_id = $1 and id = $2
       returning size_bytes + thumbnail_bytes as bytes`,
      [tx.tenantId, id],
    );
    return Number(row?.bytes ?? 0);
  },

  /** Which of these object keys a row points at (as its object or its thumbnail). */
  async knownKeys(tx: TenantTx, keys: string[]): Promise<Set<string>> {
    const rows = await tx.manager.query<{ key: string }[]>(
      `select object_key as key from attachments where tenant_id = $1 and object_key = any($2)
       union all
       select thumbnail_key from attachments where tenant_id = $1 and thumbnail_key = any($2)`,
      [tx.tenantId, keys],
    );
    return new Set(rows.map((r) => r.key));
  },
};

export const VaccinationQueries = {
  ofPet(tx: TenantTx, petId: string): Promise<Vaccination[]> {
    return tx.manager.query<Vaccination[]>(
      `select ${VACCINATION_COLUMNS} from vaccinations v where v.tenant_id = $1 and v.pet_id = $2
        order by v.given_on desc, v.created_at desc`,
      [tx.tenantId, petId],
    );
  },

  /** Every dose given to any pet of one client: one query for the whole client page. */
  ofClientPets(tx: TenantTx, clientId: string): Promise<(Vaccination & { petId: string })[]> {
    return tx.manager.query<(Vaccination & { petId: string })[]>(
      `select v.pet_id as "petId", ${VACCINATION_COLUMNS}
         from vaccinations v
         join pets p on p.tenant_id = v.tenant_id and p.id = v.pet_id
        where v.tenant_id = $1 and p.client_id = $2
        order by v.given_on desc, v.created_at desc`,
      [tx.tenantId, clientId],
    );
  },

  async insert(
    tx: TenantTx,
    dose: { petId: string; form: VaccinationForm; by: ActingUser },
  ): Promise<string> {
    const { petId, form, by } = dose;
    const [row] = await tx.manager.query<{ id: string }[]>(
      `insert into vaccinations (tenant_id, pet_id, given_on, product, batch, next_due_on,
         given_by_user_id, given_by_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [tx.tenantId, petId, form.givenOn, form.product, form.batch, form.nextDueOn, by.id, by.name],
    );
    return row.id;
  },

  /**
   * Boosters due from `today` through `days` ahead, plus overdue ones (up to 90 days); only
   * the latest dose of each product per pet counts, so a booster given takes the old one off.
   */
  dueSoon(tx: TenantTx, today: string, days: number): Promise<DueVaccination[]> {
    return tx.manager.query<DueVaccination[]>(
      `select v.pet_id as "petId", p.name as "petName", c.first_name || ' ' || c.last_name as "ownerName",
              c.phone as "ownerPhone", v.product, to_char(v.next_due_on, 'YYYY-MM-DD') as "nextDueOn",
              v.next_due_on < $2::date as overdue
         from vaccinations v
         join pets p on p.tenant_id = v.tenant_id and p.id = v.pet_id
         join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
        where v.tenant_id = $1 and v.next_due_on is not null
          and v.next_due_on <= $2::date + $3::int
          and v.next_due_on >= $2::date - 90
          and p.deceased_on is null
          and not exists (select 1 from vaccinations later
                           where later.tenant_id = v.tenant_id and later.pet_id = v.pet_id
                             and lower(later.product) = lower(v.product) and later.given_on > v.given_on)
        order by v.next_due_on, p.name`,
      [tx.tenantId, today, days],
    );
  },
};
