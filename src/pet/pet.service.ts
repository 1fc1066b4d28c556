import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { isUniqueViolation } from '../common/pg-errors.js';
import { MicrochipTaken } from './pet.errors.js';
import type { PetInput, PetPatch } from './pet.inputs.js';
import { ClientQueries, PetQueries } from './pet.queries.js';
import type { PetOwner, PetRecord } from './pet.types.js';
import { searchTerms } from './search.terms.js';
import { once } from '../idempotency/once.js';

export interface PetWithOwner extends PetRecord {
  owner: PetOwner;
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
      const owner = await ClientQueries.owner(tx, pet.clientId);
      if (!owner) throw new NotFoundError('client');
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
    return this.db.run(async (tx) => {
      const terms = searchTerms(opts.q);
      if ((opts.q && !terms) || (opts.clientId && !isUuid(opts.clientId)))
        return { data: [], total: 0 };
      return PetQueries.page(tx, {
        clientId: opts.clientId,
        terms,
        limit: opts.pageSize,
        offset: (opts.page - 1) * opts.pageSize,
      });
    });
  }

  async find(tx: TenantTx, id: string): Promise<PetRecord> {
    const pet = isUuid(id) ? await PetQueries.byId(tx, id) : null;
    if (!pet) throw new NotFoundError('pet');
    return pet;
  }

  create(clientId: string, input: PetInput): Promise<PetRecord> {
    return this.db.run((tx) =>
      once(tx, 'pet.create', async () => {
        if (!isUuid(clientId) || !(await ClientQueries.exists(tx, clientId)))
          throw new NotFoundError('client');
        return this.insert(tx, clientId, input);
      }),
    );
  }

  /** Inserts within an open tenant transaction (the client must exist in it). */
  async insert(tx: TenantTx, clientId: string, input: PetPatch): Promise<PetRecord> {
    const pet = await this.mapConflict(() => PetQueries.insert(tx, clientId, input));
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
      const after = await this.mapConflict(() => PetQueries.update(tx, id, patch));
      if (!after) return before;
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

  /** The weight taken at check-in becomes the pet's current weight (the caller audits it). */
  recordWeight(tx: TenantTx, petId: string, weightKg: number): Promise<void> {
    return PetQueries.setWeight(tx, petId, weightKg);
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
