import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

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
  constructor(private readonly db: TenantDb) {}

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

  search(q: string): Promise<PetChoice[]> {
    const term = `%${q.trim().replace(/[%_\\]/g, '\\$&')}%`;
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select p.id, p.name, p.species, p.alerts, c.first_name || ' ' || c.last_name as "clientName"
           from pets p join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
          where p.tenant_id = $1 and p.deceased_on is null
            and (unaccent(p.name) ilike unaccent($2) or unaccent(c.first_name || ' ' || c.last_name) ilike unaccent($2)
                 or c.phone ilike $2 or p.microchip ilike $2)
          order by p.name limit 20`,
        [tenantId, term],
      ),
    );
  }
}
