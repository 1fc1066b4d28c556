/** SQL of the record module, in one place. Every query filters on tenant_id = $1. */

export const RECORD_SUMMARY_COLUMNS = `
  r.id, r.pet_id as "petId", r.appointment_id as "appointmentId", r.summary, r.status,
  r.author_name as "authorName", r.recorded_at as "recordedAt", r.finalised_at as "finalisedAt",
  r.finalised_by_name as "finalisedByName", r.version,
  (select count(*) from attachments a where a.tenant_id = r.tenant_id and a.record_id = r.id)::int as "attachmentCount"`;

export const RECORD_CLINICAL_COLUMNS = `
  r.subjective, r.objective, r.assessment, r.plan,
  r.weight_value::float8 as "weightValue", r.weight_unit as "weightUnit", r.weight_kg::float8 as "weightKg",
  r.temperature_c::float8 as "temperatureC", r.heart_rate as "heartRate",
  r.respiratory_rate as "respiratoryRate", r.author_user_id as "authorUserId"`;

export const PET_BRIEF = `
  select p.id, p.name, p.species, p.breed, p.client_id as "clientId",
         c.first_name || ' ' || c.last_name as "ownerName"
    from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
   where p.tenant_id = $1 and p.id = $2`;

export const INSERT_RECORD = `
  insert into medical_records (tenant_id, pet_id, appointment_id, author_user_id, author_name, summary,
    subjective, objective, assessment, plan, weight_value, weight_unit, weight_kg, temperature_c,
    heart_rate, respiratory_rate)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  returning id`;

/** Only a draft at the version the form was opened on changes: a lost update is impossible. */
export const UPDATE_DRAFT = `
  update medical_records set summary = $3, subjective = $4, objective = $5, assessment = $6, plan = $7,
    weight_value = $8, weight_unit = $9, weight_kg = $10, temperature_c = $11, heart_rate = $12,
    respiratory_rate = $13, appointment_id = $14, version = version + 1, updated_at = now()
   where tenant_id = $1 and id = $2 and status = 'draft' and version = $15
  returning version`;

export const FINALISE = `
  update medical_records set status = 'final', finalised_at = now(), finalised_by_user_id = $3,
    finalised_by_name = $4, version = version + 1, updated_at = now()
   where tenant_id = $1 and id = $2 and status = 'draft'
  returning finalised_at as "finalisedAt"`;

export const WEIGHT_SERIES = `
  select recorded_at as "at", weight_kg::float8 as "kg"
    from medical_records where tenant_id = $1 and pet_id = $2 and weight_kg is not null
   order by recorded_at`;
