import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { ClinicSettingsService } from '../clinic/clinic-settings.service.js';
import { TenantDb } from '../database/tenant-db.js';
import { Amounts, sqlState } from './amounts.js';
import { PriceCodeTaken } from './billing.errors.js';
import type { PriceItemForm } from './billing.forms.js';
import { BillingQueries } from './billing.queries.js';
import type { PriceItem } from './billing.types.js';

/** The clinic's price list (services and products) and which service each visit type bills. */
@Injectable()
export class PriceListService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly settings: ClinicSettingsService,
  ) {}

  load() {
    return this.db.run(async (tx) => ({
      currency: (await BillingQueries.clinic(tx)).currency,
      items: await BillingQueries.items(tx),
      types: await BillingQueries.typeServices(tx),
    }));
  }

  async save(form: PriceItemForm): Promise<PriceItem> {
    try {
      return await this.db.run(async (tx) => {
        const { currency } = await BillingQueries.clinic(tx);
        const item = await BillingQueries.saveItem(tx, {
          id: form.id ?? undefined,
          kind: form.kind,
          code: form.code,
          name: form.name,
          unitPriceMinor: Amounts.money(form.unitPrice, currency, 'unitPrice'),
          taxRateBp: Number(Amounts.basisPoints(form.taxRate, 'taxRate')),
          active: form.active,
        });
        if (!item) throw new NotFoundError('price item');
        await this.audit.record(tx, {
          action: form.id ? 'price_item.updated' : 'price_item.added',
          entity: 'price_item',
          entityId: item.id,
          after: item,
        });
        return item;
      });
    } catch (err) {
      throw sqlState(err) === '23505' ? new PriceCodeTaken() : err;
    }
  }

  setTypeService(typeId: string, serviceId: string | null): Promise<void> {
    return this.db.run(async (tx) => {
      if (serviceId && !(await BillingQueries.item(tx, serviceId)))
        throw new NotFoundError('price item');
      await this.settings.setTypeService(tx, typeId, serviceId);
    });
  }
}
