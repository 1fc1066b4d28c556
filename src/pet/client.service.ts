import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { MicrochipTaken } from './pet.errors.js';
import type { ClientInput, ClientPatch, QuickCreateInput } from './pet.inputs.js';
import { ClientQueries, PetQueries } from './pet.queries.js';
import { PetService } from './pet.service.js';
import type { ClientListItem, ClientRecord, PetRecord } from './pet.types.js';
import { searchTerms } from './search.terms.js';
import { once } from '../idempotency/once.js';

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
    return this.db.run((tx) => ClientQueries.counts(tx));
  }

  list(opts: { page: number; pageSize: number }): Promise<ClientListItem[]> {
    return this.db.run((tx) =>
      ClientQueries.list(tx, { limit: opts.pageSize, offset: (opts.page - 1) * opts.pageSize }),
    );
  }

  /** A page of full client records, optionally narrowed by the search box's text (the API). */
  page(opts: {
    q?: string;
    page: number;
    pageSize: number;
  }): Promise<{ data: ClientRecord[]; total: number }> {
    return this.db.run(async (tx) => {
      const terms = searchTerms(opts.q);
      if (opts.q && !terms) return { data: [], total: 0 };
      return ClientQueries.page(tx, {
        terms,
        limit: opts.pageSize,
        offset: (opts.page - 1) * opts.pageSize,
      });
    });
  }

  get(id: string): Promise<ClientDetail> {
    return this.db.run(async (tx) => {
      const client = await this.find(tx, id);
      return { ...client, pets: await PetQueries.ofClient(tx, id) };
    });
  }

  /** The client, or NotFoundError (also for another clinic's id: RLS and the filter hide it). */
  async find(tx: TenantTx, id: string): Promise<ClientRecord> {
    const client = isUuid(id) ? await ClientQueries.byId(tx, id) : null;
    if (!client) throw new NotFoundError('client');
    return client;
  }

  create(input: ClientInput): Promise<ClientRecord> {
    return this.db.run((tx) => once(tx, 'client.create', () => this.insert(tx, input)));
  }

  async insert(tx: TenantTx, input: ClientInput): Promise<ClientRecord> {
    const client = await ClientQueries.insert(tx, input);
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
      const after = await ClientQueries.update(tx, id, patch);
      if (!after) return before;
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

  /**
   * Folds a client made from an online booking request into the clinic's existing client
   * with the same email, once the owner proved the email is theirs: the request's pet becomes
   * the existing pet of that name, or a new pet of the existing client. Returns whom the
   * appointment is now for; null when there is no such client (the new one stays).
   */
  async matchProvisional(
    tx: TenantTx,
    provisional: { clientId: string; petId: string; email: string; petName: string },
  ): Promise<{ clientId: string; petId: string } | null> {
    const clientId = await ClientQueries.idByEmail(tx, provisional.email, provisional.clientId);
    if (!clientId) return null;
    const existingPet = await PetQueries.idByName(tx, clientId, provisional.petName);
    if (!existingPet) await PetQueries.setClient(tx, provisional.petId, clientId);
    return { clientId, petId: existingPet ?? provisional.petId };
  }

  /** Removes a client made from an online request that was merged or never confirmed. */
  async removeProvisional(tx: TenantTx, clientId: string, reason: string): Promise<void> {
    const before = await ClientQueries.byId(tx, clientId);
    if (!before) return;
    await ClientQueries.delete(tx, clientId);
    await this.audit.record(tx, {
      action: 'client.removed',
      entity: 'client',
      entityId: clientId,
      before,
      after: { reason },
    });
  }

  /** The booking form's "new client": the client and their first pet, in one transaction. */
  quickCreate(input: QuickCreateInput): Promise<{ client: ClientRecord; pet: PetRecord }> {
    return this.db.run((tx) =>
      once(tx, 'client.quick-create', async () => {
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
      }),
    );
  }
}
