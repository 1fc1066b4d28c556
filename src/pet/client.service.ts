import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/app-error.js';
import { TenantDb } from '../database/tenant-db.js';

export interface ClientListItem {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  petNames: string | null;
}

export interface ClientDetail extends ClientListItem {
  address: string | null;
  notes: string | null;
  pets: {
    id: string;
    name: string;
    species: string;
    breed: string | null;
    sex: string;
    dateOfBirth: string | null;
  }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Clients (pet owners) of the request's clinic. */
@Injectable()
export class ClientService {
  constructor(private readonly db: TenantDb) {}

  counts(): Promise<{ clients: number; pets: number }> {
    return this.db.run(async ({ manager, tenantId }) => {
      const [row] = await manager.query(
        `select (select count(*) from clients where tenant_id = $1)::int as clients,
                (select count(*) from pets where tenant_id = $1)::int as pets`,
        [tenantId],
      );
      return row;
    });
  }

  list(opts: { page: number; pageSize: number }): Promise<ClientListItem[]> {
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select c.id, c.first_name as "firstName", c.last_name as "lastName", c.phone, c.email,
                (select string_agg(p.name, ', ' order by p.name) from pets p
                  where p.tenant_id = c.tenant_id and p.client_id = c.id) as "petNames"
           from clients c where c.tenant_id = $1
          order by c.last_name, c.first_name, c.id limit $2 offset $3`,
        [tenantId, opts.pageSize, (opts.page - 1) * opts.pageSize],
      ),
    );
  }

  get(id: string): Promise<ClientDetail> {
    if (!UUID.test(id)) throw new NotFoundError('client');
    return this.db.run(async ({ manager, tenantId }) => {
      const [client] = await manager.query(
        `select id, first_name as "firstName", last_name as "lastName", phone, email, address, notes
           from clients where tenant_id = $1 and id = $2`,
        [tenantId, id],
      );
      if (!client) throw new NotFoundError('client');
      client.pets = await manager.query(
        `select id, name, species, breed, sex, to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth"
           from pets where tenant_id = $1 and client_id = $2 order by name`,
        [tenantId, id],
      );
      return client as ClientDetail;
    });
  }
}
