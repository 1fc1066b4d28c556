import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import type { Species } from './species.js';
import { isUniqueViolation, MicrochipTaken } from './pet.errors.js';
import type { PetInput, PetPatch } from './pet.inputs.js';
import { assignments, insertion, PET_COLUMN_NAMES, PET_COLUMNS, UUID } from './pet.sql.js';
import { searchTerms, termConditions } from './search.terms.js';

export interface PetRecord {
  id: string;
  clientId: string;
  name: string;
  species: Species;
  breed: string | null;
  sex: 'male' | 'female' | 'unknown';
  neutered: boolean;
  dateOfBirth: string | null;
  microchip: string | null;
  colour: string | null;
  weightKg: number | null;
  alerts: string | null;
  deceasedOn: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PetWithOwner extends PetRecord {
  owner: { id: string; firstName: string; lastName: string; phone: string | null };
}

/** Pets (patients) of the request's clinic; each belongs to one client. */
@Injectable()
export class PetService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  get(id: string): Promise<PetWithOwner> {
    return this.db.run(async (tx) => {
      const pet = await this.find(tx, id);
      const [owner] = await tx.manager.query(
        `select id, first_name as "firstName", last_name as "lastName", phone
           from clients where tenant_id = $1 and id = $2`,
        [tx.tenantId, pet.clientId],
      );
      return { ...pet, owner };
    });
  }

  /** A page of pets, optionally of one client and/or narrowed by name or microchip (the API). */
  page(opts: {
    q?: string;
    clientId?: string;
    page: number;
    pageSize: number;
  }): Promise<{ data: PetRecord[]; total: number }> {
    return this.db.run(async ({ manager, tenantId }) => {
      const terms = searchTerms(opts.q);
      if ((opts.q && !terms) || (opts.clientId && !UUID.test(opts.clientId)))
        return { data: [], total: 0 };
      const params: unknown[] = [tenantId];
      const where = ['p.tenant_id = $1'];
      if (opts.clientId) where.push(`p.client_id = $${params.push(opts.clientId)}`);
      if (terms) {
        const cond = termConditions('p', terms, params.length + 1);
        where.push(cond.sql);
        params.push(...cond.params);
      }
      const n = params.length + 1;
      const [data, [{ total }]] = await Promise.all([
        manager.query(
          `select ${PET_COLUMNS} from pets p where ${where.join(' and ')}
            order by p.name, p.id limit $${n} offset $${n + 1}`,
          [...params, opts.pageSize, (opts.page - 1) * opts.pageSize],
        ),
        manager.query(
          `select count(*)::int as total from pets p where ${where.join(' and ')}`,
          params,
        ),
      ]);
      return { data, total };
    });
  }

  async find(tx: TenantTx, id: string): Promise<PetRecord> {
    if (!UUID.test(id)) throw new NotFoundError('pet');
    const [pet] = await tx.manager.query(
      `select ${PET_COLUMNS} from pets p where p.tenant_id = $1 and p.id = $2`,
      [tx.tenantId, id],
    );
    if (!pet) throw new NotFoundError('pet');
    return pet;
  }

  create(clientId: string, input: PetInput): Promise<PetRecord> {
    return this.db.run(async (tx) => {
      if (!UUID.test(clientId)) throw new NotFoundError('client');
      const [client] = await tx.manager.query(
        'select id from clients where tenant_id = $1 and id = $2',
        [tx.tenantId, clientId],
      );
      if (!client) throw new NotFoundError('client');
      return this.insert(tx, clientId, input);
    });
  }

  /** Inserts within an open tenant transaction (the client must exist in it). */
  async insert(tx: TenantTx, clientId: string, input: PetPatch): Promise<PetRecord> {
    const ins = insertion(input, PET_COLUMN_NAMES, 3);
    const [pet] = await this.mapConflict(() =>
      tx.manager.query(
        `insert into pets as p (tenant_id, client_id, ${ins.columns.join(', ')})
         values ($1, $2, ${ins.placeholders.join(', ')}) returning ${PET_COLUMNS}`,
        [tx.tenantId, clientId, ...ins.params],
      ),
    );
    await this.audit.record(tx, {
      action: 'pet.created',
      entity: 'pet',
      entityId: pet.id,
      after: pet,
    });
    return pet;
  }

  update(id: string, patch: PetPatch): Promise<PetRecord> {
    return this.db.run(async (tx) => {
      const before = await this.find(tx, id);
      const set = assignments(patch, PET_COLUMN_NAMES, 3);
      if (set.sql.length === 0) return before;
      const [[after]] = await this.mapConflict(() =>
        tx.manager.query(
          `update pets p set ${set.sql.join(', ')}, updated_at = now()
            where p.tenant_id = $1 and p.id = $2 returning ${PET_COLUMNS}`,
          [tx.tenantId, id, ...set.params],
        ),
      );
      await this.audit.record(tx, {
        action: 'pet.updated',
        entity: 'pet',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  /** The database decides microchip uniqueness (no read-then-write race); say it kindly. */
  private async mapConflict<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw new MicrochipTaken();
      throw err;
    }
  }
}
