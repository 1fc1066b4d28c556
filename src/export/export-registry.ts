import { Injectable } from '@nestjs/common';
import type { ExportSource } from './export-source.js';
import { tableSource } from './export-source.js';

/**
 * The export's sources, registered by the modules that own the data. A module adds its
 * own with `registry.register(source)` in its constructor or onModuleInit (records,
 * vaccinations and attachments do, in RecordModule).
 */
@Injectable()
export class ExportRegistry {
  private readonly sources = new Map<string, ExportSource>();

  constructor() {
    for (const source of CORE_SOURCES) this.register(source);
  }

  register(source: ExportSource): void {
    if (!/^[a-z][a-z0-9_]*$/.test(source.name))
      throw new Error(`Bad export source name: ${source.name}`);
    if (this.sources.has(source.name))
      throw new Error(`Export source ${source.name} registered twice`);
    this.sources.set(source.name, source);
  }

  all(): ExportSource[] {
    return [...this.sources.values()];
  }
}

/**
 * Clients, pets, staff, appointments and the audit log: plain table dumps that need nothing
 * from their modules, so they are declared once here rather than registered by five modules.
 */
const CORE_SOURCES: ExportSource[] = [
  tableSource({
    name: 'clients',
    columns: [
      'id',
      'first_name',
      'last_name',
      'email',
      'phone',
      'phone_alt',
      'address',
      'notes',
      'created_at',
      'updated_at',
    ],
  }),
  tableSource({
    name: 'pets',
    columns: [
      'id',
      'client_id',
      'name',
      'species',
      'breed',
      'sex',
      'neutered',
      'date_of_birth',
      'microchip',
      'colour',
      'weight_kg',
      'alerts',
      'deceased_on',
      'created_at',
      'updated_at',
    ],
  }),
  tableSource({
    name: 'staff',
    columns: [
      'id',
      'user_id',
      'name',
      'kind',
      'email',
      'phone',
      'takes_appointments',
      'offered_online',
      'active',
      'created_at',
    ],
  }),
  tableSource({
    name: 'appointments',
    columns: [
      'id',
      'client_id',
      'pet_id',
      'staff_id',
      'room_id',
      'type_id',
      'starts_at',
      'ends_at',
      'status',
      'reason',
      'cancel_reason',
      'checked_in_weight_kg',
      'series_id',
      'hours_override_reason',
      'created_by',
      'source',
      'created_at',
      'updated_at',
    ],
  }),
  tableSource({
    name: 'audit_events',
    columns: [
      'occurred_at',
      'id',
      'actor_user_id',
      'actor_name',
      'action',
      'entity',
      'entity_id',
      'before',
      'after',
      'request_id',
    ],
    // What changed is shown to clinical readers only, as on the audit page.
    clinicalColumns: ['before', 'after'],
    key: ['occurred_at', 'id'],
  }),
];
