import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { TenantDb } from '../database/tenant-db.js';
import { currentTenant, RequestContexts } from '../tenant/request-context.js';
import type { VaccinationForm } from './record.schemas.js';
import { UUID } from './record.service.js';

export interface Vaccination {
  id: string;
  givenOn: string;
  product: string;
  batch: string;
  nextDueOn: string | null;
  givenByName: string;
}

export interface DueVaccination {
  petId: string;
  petName: string;
  ownerName: string;
  ownerPhone: string | null;
  product: string;
  nextDueOn: string;
  overdue: boolean;
}

const COLUMNS = `v.id, to_char(v.given_on, 'YYYY-MM-DD') as "givenOn", v.product, v.batch,
  to_char(v.next_due_on, 'YYYY-MM-DD') as "nextDueOn", v.given_by_name as "givenByName"`;

/** Vaccinations given, and the clinic's list of boosters coming due. */
@Injectable()
export class VaccinationService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  listForPet(petId: string): Promise<Vaccination[]> {
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select ${COLUMNS} from vaccinations v where v.tenant_id = $1 and v.pet_id = $2
          order by v.given_on desc, v.created_at desc`,
        [tenantId, petId],
      ),
    );
  }

  async add(petId: string, form: VaccinationForm): Promise<string> {
    if (!UUID.test(petId)) throw new NotFoundError('pet');
    const user = RequestContexts.current()!.user!;
    return this.db.run(async (tx) => {
      const [pet] = await tx.manager.query('select 1 from pets where tenant_id = $1 and id = $2', [
        tx.tenantId,
        petId,
      ]);
      if (!pet) throw new NotFoundError('pet');
      const [{ id }] = await tx.manager.query(
        `insert into vaccinations (tenant_id, pet_id, given_on, product, batch, next_due_on,
           given_by_user_id, given_by_name)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
        [
          tx.tenantId,
          petId,
          form.givenOn,
          form.product,
          form.batch,
          form.nextDueOn,
          user.id,
          user.name,
        ],
      );
      await this.audit.record(tx, {
        action: 'vaccination.given',
        entity: 'vaccination',
        entityId: id,
        after: { ...form, petId },
      });
      return id as string;
    });
  }

  /**
   * Boosters due from the clinic's today (its own time zone) through `days` ahead, plus
   * overdue ones; only the latest dose of each product per pet counts, so a booster already
   * given takes the old due date off the list.
   */
  dueSoon(days = 30): Promise<DueVaccination[]> {
    const today = DateTime.now().setZone(currentTenant().timeZone).toISODate()!;
    return this.db.run(({ manager, tenantId }) =>
      manager.query(
        `select v.pet_id as "petId", p.name as "petName", c.first_name || ' ' || c.last_name as "ownerName",
                c.phone as "ownerPhone", v.product, to_char(v.next_due_on, 'YYYY-MM-DD') as "nextDueOn",
                v.next_due_on < $2::date as overdue
           from vaccinations v
           join pets p on p.tenant_id = v.tenant_id and p.id = v.pet_id
           join clients c on c.tenant_id = p.tenant_id and c.id = p.client_id
          where v.tenant_id = $1 and v.next_due_on is not null
            and v.next_due_on <= $2::date + $3::int
            and v.next_due_on >= $2::date - 90
            and p.deceased_on is null
            and not exists (select 1 from vaccinations later
                             where later.tenant_id = v.tenant_id and later.pet_id = v.pet_id
                               and lower(later.product) = lower(v.product) and later.given_on > v.given_on)
          order by v.next_due_on, p.name`,
        [tenantId, today, days],
      ),
    );
  }
}
