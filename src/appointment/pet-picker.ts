import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { SearchService } from '../pet/search.service.js';

export interface PetChoice {
  id: string;
  name: string;
  species: string;
  clientName: string;
  alerts: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Choosing the patient in the booking form, without JavaScript: search, then pick. */
@Injectable()
export class PetPicker {
  constructor(
    private readonly db: TenantDb,
    private readonly searchService: SearchService,
  ) {}

  describe(petId: string): Promise<PetChoice | null> {
    if (!UUID.test(petId)) return Promise.resolve(null);
    return this.db.run(async ({ manager, tenantId }) => {
      const [row] = await manager.query(
        `select p.id, p.name, p.species, p.alerts, c.first_name || ' ' || c.last_name as "clientName"
           from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
          where p.tenant_id = $1 and p.id = $2`,
        [tenantId, petId],
      );
      return row ?? null;
    });
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
