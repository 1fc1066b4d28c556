import { Foundation1732400000000 } from './1732400000000-foundation.js';
import { AuditLog1732500000000 } from './1732500000000-audit-log.js';
import { Scheduling1732510000000 } from './1732510000000-scheduling.js';
import { ClientSearchApiTokens1732520000000 } from './1732520000000-client-search-api-tokens.js';
import { MedicalRecords1732530000000 } from './1732530000000-medical-records.js';
import { VetAcrossClinics1732560000000 } from './1732560000000-vet-across-clinics.js';
import { TenantPlans1732540000000 } from './1732540000000-tenant-plans.js';
import { TenantStats1732541000000 } from './1732541000000-tenant-stats.js';
import { AuditRetention1732542000000 } from './1732542000000-audit-retention.js';
import { RecordAuditFieldNames1733100000000 } from './1733100000000-record-audit-field-names.js';
import { RuntimeDefinerGrants1733110000000 } from './1733110000000-runtime-definer-grants.js';
import { FrontDesk1733300000000 } from './1733300000000-front-desk.js';
import { CitusReady1733600000000 } from './1733600000000-citus-ready.js';
import { Billing1733500000000 } from './1733500000000-billing.js';
import { IdempotencyKeys1733200000000 } from './1733200000000-idempotency-keys.js';
import { BoundedDurations1733400000000 } from './1733400000000-bounded-durations.js';
import { ObjectBytesByRuntime1734300000000 } from './1734300000000-object-bytes-by-runtime.js';
import { IdempotencyFingerprints1734000000000 } from './1734000000000-idempotency-fingerprints.js';
import { LiveSequences1734010000000 } from './1734010000000-live-sequences.js';
import { OwnerMessages1733700000000 } from './1733700000000-owner-messages.js';
import { TenantCounts1734200000000 } from './1734200000000-tenant-counts.js';
import { OnlineBooking1733800000000 } from './1733800000000-online-booking.js';
import { OwnerMessagesByAppointment1734400000000 } from './1734400000000-owner-messages-by-appointment.js';
import { BookingContextFunction1734500000000 } from './1734500000000-booking-context-function.js';

/** Every migration, in order. The schema's only source of truth (never `synchronize`). */
export const MIGRATIONS = [
  Foundation1732400000000,
  AuditLog1732500000000,
  Scheduling1732510000000,
  ClientSearchApiTokens1732520000000,
  MedicalRecords1732530000000,
  TenantPlans1732540000000,
  TenantStats1732541000000,
  AuditRetention1732542000000,
  VetAcrossClinics1732560000000,
  RecordAuditFieldNames1733100000000,
  RuntimeDefinerGrants1733110000000,
  FrontDesk1733300000000,
  CitusReady1733600000000,
  Billing1733500000000,
  IdempotencyKeys1733200000000,
  BoundedDurations1733400000000,
  ObjectBytesByRuntime1734300000000,
  IdempotencyFingerprints1734000000000,
  LiveSequences1734010000000,
  OwnerMessages1733700000000,
  TenantCounts1734200000000,
  OnlineBooking1733800000000,
  OwnerMessagesByAppointment1734400000000,
  BookingContextFunction1734500000000,
];
