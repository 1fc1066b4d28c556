import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/ids.js';
import { TenantDb } from '../database/tenant-db.js';
import { SearchService } from '../pet/search.service.js';
import { AppointmentQueries, type PetChoice } from './appointment.queries.js';

/** Choosing the patient in the booking form, without JavaScript: search, then pick. */
@Injectable()
export class PetPicker {
  constructor(
    private readonly db: TenantDb,
    private readonly searchService: SearchService,
  ) {}

  describe(petId: string): Promise<PetChoice | null> {
    if (!isUuid(petId)) return Promise.resolve(null);
    return this.db.run((tx) => AppointmentQueries.petChoice(tx, petId));
  }

  /** The clinic's search (accent-tolerant, indexed), limited to pets that can still be booked. */
  async search(q: string): Promise<PetChoice[]> {
    const hits = await this.searchService.search(q, { kind: 'pet' });
    return hits
      .filter((h) => h.kind === 'pet' && !h.deceased)
      .map((h) => ({
        id: h.id,
        name: h.label,
        species: h.species ?? 'other',
        clientName: h.sublabel,
        alerts: h.alerts ?? null,
      }));
  }
}
