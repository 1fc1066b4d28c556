import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { MicrochipTaken } from './pet.errors.js';
import type { ClientInput, ClientPatch, QuickCreateInput } from './pet.inputs.js';
import {
  assignments,
  CLIENT_COLUMN_NAMES,
  CLIENT_COLUMNS,
  insertion,
  PET_COLUMNS,
  UUID,
} from './pet.sql.js';
import { PetService, type PetRecord } from './pet.service.js';
import { searchTerms, termConditions } from './search.terms.js';

export interface ClientListItem {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  petNames: string | null;
}

export interface ClientRecord {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  phoneAlt: string | null;
  address: string | null;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClientDetail extends ClientRecord {
  pets: PetRecord[];
}

/** Clients (pet owners) of the request's clinic. */
@Injectable()
export class ClientService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly pets: PetService,
  ) {}

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

  /** A page of full client records, optionally narrowed by the search box's text (the API). */
  page(opts: {
    q?: string;
    page: number;
    pageSize: number;
  }): Promise<{ data: ClientRecord[]; total: number }> {
    return this.db.run(async ({ manager, tenantId }) => {
      const terms = searchTerms(opts.q);
      if (opts.q && !terms) return { data: [], total: 0 };
      const cond = terms ? termConditions('c', terms, 2) : { sql: 'true', params: [] };
      const where = `c.tenant_id = $1 and ${cond.sql}`;
      const n = cond.params.length + 2;
      const [data, [{ total }]] = await Promise.all([
        manager.query(
          `select ${CLIENT_COLUMNS} from clients c where ${where}
            order by c.last_name, c.first_name, c.id limit $${n} offset $${n + 1}`,
          [tenantId, ...cond.params, opts.pageSize, (opts.page - 1) * opts.pageSize],
        ),
        manager.query(`select count(*)::int as total from clients c where ${where}`, [
          tenantId,
          ...cond.params,
        ]),
      ]);
      return { data, total };
    });
  }

  get(id: string): Promise<ClientDetail> {
    return this.db.run(async (tx) => {
      const client = await this.find(tx, id);
      const pets: PetRecord[] = await tx.manager.query(
        `select ${PET_COLUMNS} from pets p where p.tenant_id = $1 and p.client_id = $2
          order by p.deceased_on is not null, p.name`,
        [tx.tenantId, id],
      );
      return { ...client, pets };
    });
  }

  /** The client, or NotFoundError (also for another clinic's id: RLS and the filter hide it). */
  async find(tx: TenantTx, id: string): Promise<ClientRecord> {
    if (!UUID.test(id)) throw new NotFoundError('client');
    const [client] = await tx.manager.query(
      `select ${CLIENT_COLUMNS} from clients c where c.tenant_id = $1 and c.id = $2`,
      [tx.tenantId, id],
    );
    if (!client) throw new NotFoundError('client');
    return client;
  }

  create(input: ClientInput): Promise<ClientRecord> {
    return this.db.run((tx) => this.insert(tx, input));
  }

  async insert(tx: TenantTx, input: ClientInput): Promise<ClientRecord> {
    const ins = insertion(input, CLIENT_COLUMN_NAMES, 2);
    const [client] = await tx.manager.query(
      `insert into clients as c (tenant_id, ${ins.columns.join(', ')})
       values ($1, ${ins.placeholders.join(', ')}) returning ${CLIENT_COLUMNS}`,
      [tx.tenantId, ...ins.params],
    );
    await this.audit.record(tx, {
      action: 'client.created',
      entity: 'client',
      entityId: client.id,
      after: client,
    });
    return client;
  }

  update(id: string, patch: ClientPatch): Promise<ClientRecord> {
    return this.db.run(async (tx) => {
      const before = await this.find(tx, id);
      const set = assignments(patch, CLIENT_COLUMN_NAMES, 3);
      if (set.sql.length === 0) return before;
      const [[after]] = await tx.manager.query(
        `update clients c set ${set.sql.join(', ')}, updated_at = now()
          where c.tenant_id = $1 and c.id = $2 returning ${CLIENT_COLUMNS}`,
        [tx.tenantId, id, ...set.params],
      );
      await this.audit.record(tx, {
        action: 'client.updated',
        entity: 'client',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  /** The booking form's "new client": the client and their first pet, in one transaction. */
  quickCreate(input: QuickCreateInput): Promise<{ client: ClientRecord; pet: PetRecord }> {
    return this.db.run(async (tx) => {
      const client = await this.insert(tx, {
        firstName: input.firstName,
        lastName: input.lastName,
        email: input.email,
        phone: input.phone,
        phoneAlt: input.phoneAlt,
        address: input.address,
        notes: input.notes,
      });
      const pet = await this.pets
        .insert(tx, client.id, {
          name: input.petName,
          species: input.petSpecies,
          sex: input.petSex,
          breed: input.petBreed,
          dateOfBirth: input.petDateOfBirth,
          microchip: input.petMicrochip,
        })
        .catch((err: unknown) => {
          throw err instanceof MicrochipTaken ? new MicrochipTaken('petMicrochip') : err;
        });
      return { client, pet };
    });
  }
}
