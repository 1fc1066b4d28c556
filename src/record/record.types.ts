/* What the record module's queries return: medical records, attachments, vaccinations. */

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

export interface WeightPoint {
  at: Date;
  kg: number;
}

export interface LinkableAppointment {
  id: string;
  startsAt: Date;
  status: string;
}

export interface AttachmentView {
  id: string;
  recordId: string;
  kind: 'image' | 'pdf';
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  displayName: string;
  uploadedByName: string;
  createdAt: Date;
}

/** The attachment row with its object keys, which never leave the server. */
export interface AttachmentRow extends AttachmentView {
  objectKey: string;
  thumbnailKey: string | null;
}

export interface Vaccination {
  id: string;
  givenOn: string;
  product: string;
  batch: string;
  nextDueOn: string | null;
  givenByName: string;
}

export interface DueVaccination {
  petId: string;
  petName: string;
  ownerName: string;
  ownerPhone: string | null;
  product: string;
  nextDueOn: string;
  overdue: boolean;
}
