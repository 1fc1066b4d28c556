import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { once } from '../idempotency/once.js';
import { pageOf } from './paging.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { Amounts } from './amounts.js';
import { ChargeNotOpen, DiscountExceedsLine } from './billing.errors.js';
import type { ChargeForm } from './billing.forms.js';
import { BillingQueries } from './billing.queries.js';
import type { Charge } from './billing.types.js';
import { lineNet } from '../common/money.js';

/** Visits that can no longer be billed. */
const UNBILLABLE = ['cancelled', 'no_show'];

/** Charges: what the vet or nurse adds to a visit (or a pet) before the front desk checks out. */
@Injectable()
export class ChargeService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  /** The visit with its charges and what may be charged (the type's service first). */
  visit(appointmentId: string) {
    if (!isUuid(appointmentId)) throw new NotFoundError('appointment');
    return this.db.run(async (tx) => {
      const visit = await BillingQueries.visit(tx, appointmentId);
      if (!visit) throw new NotFoundError('appointment');
      return {
        visit,
        billable: !UNBILLABLE.includes(visit.status),
        currency: (await BillingQueries.clinic(tx)).currency,
        charges: await BillingQueries.charges(tx, { appointmentId }),
        items: await BillingQueries.items(tx, true),
      };
    });
  }

  addToVisit(appointmentId: string, form: ChargeForm): Promise<string> {
    if (!isUuid(appointmentId)) throw new NotFoundError('appointment');
    return this.db.run(async (tx) => {
      const visit = await BillingQueries.visit(tx, appointmentId);
      if (!visit) throw new NotFoundError('appointment');
      if (UNBILLABLE.includes(visit.status))
        throw new ValidationFailed({ appointmentId: 'validation.visitNotBillable' });
      return once(tx, 'charge.add', () =>
        this.add(tx, { clientId: visit.clientId, petId: visit.petId, appointmentId }, form),
      );
    });
  }

  /** A charge for a pet outside a visit (a product sold at the desk), or for a visit (API). */
  addFor(target: { appointmentId: string | null; petId: string | null }, form: ChargeForm) {
    if (target.appointmentId) return this.addToVisit(target.appointmentId, form);
    return this.db.run(async (tx) => {
      const owner = await BillingQueries.petOwner(tx, target.petId ?? '');
      if (!owner) throw new ValidationFailed({ petId: 'validation.pet' });
      return once(tx, 'charge.add', () =>
        this.add(tx, { clientId: owner.clientId, petId: target.petId, appointmentId: null }, form),
      );
    });
  }

  get(chargeId: string): Promise<Charge> {
    if (!isUuid(chargeId)) throw new NotFoundError('charge');
    return this.db.run(async (tx) => {
      const charge = await BillingQueries.charge(tx, chargeId);
      if (!charge) throw new NotFoundError('charge');
      return charge;
    });
  }

  /** Takes back a charge added by mistake, while it is on no invoice. */
  remove(chargeId: string): Promise<Charge> {
    if (!isUuid(chargeId)) throw new NotFoundError('charge');
    return this.db.run(async (tx) => {
      const charge = await BillingQueries.charge(tx, chargeId);
      if (!charge) throw new NotFoundError('charge');
      if (!(await BillingQueries.deleteOpenCharge(tx, chargeId))) throw new ChargeNotOpen();
      await this.audit.record(tx, {
        action: 'charge.removed',
        entity: 'charge',
        entityId: chargeId,
        before: charge,
      });
      return charge;
    });
  }

  page(opts: { clientId?: string; page: number; pageSize: number }) {
    return this.db.run((tx) =>
      pageOf(
        opts,
        (limit, offset) =>
          BillingQueries.chargesPage(tx, { clientId: opts.clientId, limit, offset }),
        () => BillingQueries.countCharges(tx, opts.clientId),
      ),
    );
  }

  private async add(
    tx: TenantTx,
    to: { clientId: string; petId: string | null; appointmentId: string | null },
    form: ChargeForm,
  ): Promise<string> {
    const item = await BillingQueries.item(tx, form.itemId);
    if (!item?.active) throw new ValidationFailed({ itemId: 'validation.priceItem' });
    const { currency } = await BillingQueries.clinic(tx);
    const quantity = Amounts.quantity(form.quantity);
    const discount =
      form.discountType === 'amount'
        ? { minor: Amounts.money(form.discount, currency, 'discount') }
        : form.discountType === 'percent'
          ? { basisPoints: Amounts.basisPoints(form.discount, 'discount') }
          : null;
    const line = lineNet({
      quantityHundredths: quantity.hundredths,
      unitMinor: BigInt(item.unitPriceMinor),
      discount,
    });
    if (line.net < 0n) throw new DiscountExceedsLine();
    const id = await BillingQueries.insertCharge(tx, {
      ...to,
      item,
      quantity: quantity.text,
      discountMinor: line.discount,
      discountReason: discount ? form.discountReason : null,
      netMinor: line.net,
      createdByName: tx.user?.name ?? null,
    });
    await this.audit.record(tx, {
      action: 'charge.added',
      entity: 'charge',
      entityId: id,
      after: { ...to, itemId: item.id, quantity: quantity.text, net: line.net.toString() },
    });
    return id;
  }
}
