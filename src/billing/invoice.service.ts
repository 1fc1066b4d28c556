import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { pageOf } from './paging.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { sqlState } from './amounts.js';
import {
  AlreadyCredited,
  ChargesAlreadyInvoiced,
  EmptyInvoice,
  InvoiceNotDraft,
  NotCreditable,
} from './billing.errors.js';
import { BillingQueries } from './billing.queries.js';
import type { InvoiceLine } from './billing.types.js';
import { InvoiceQueries } from './invoice.queries.js';
import { taxBands } from '../common/money.js';
import { PaymentQueries } from './payment.queries.js';

/** Invoice numbers run per clinic and series: one series for invoices, one for credit notes. */
export const SERIES = { invoice: 'INV', credit_note: 'CN' } as const;

const negate = (v: string) => (v.startsWith('-') ? v.slice(1) : v === '0' ? v : `-${v}`);

/**
 * Checkout: a client's open charges become a draft invoice, which may be edited or discarded
 * until it is issued. Issuing numbers it from the series' counter in the same transaction
 * and freezes it (a policy refuses the app's role any later change); a correction is a credit note.
 */
@Injectable()
export class InvoiceService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  /** The client's account: open charges, invoices, payments and balance. */
  account(clientId: string) {
    if (!isUuid(clientId)) throw new NotFoundError('client');
    return this.db.run(async (tx) => {
      const client = await BillingQueries.client(tx, clientId);
      if (!client) throw new NotFoundError('client');
      const page = { clientId, limit: 50, offset: 0 };
      return {
        client,
        currency: (await BillingQueries.clinic(tx)).currency,
        openCharges: await BillingQueries.charges(tx, { openOfClient: clientId }),
        invoices: await InvoiceQueries.invoices(tx, page),
        payments: await PaymentQueries.payments(tx, page),
      };
    });
  }

  /** Puts the chosen open charges on a new invoice, issued at once or kept as a draft. */
  checkout(clientId: string, form: { chargeIds: string[]; action: 'draft' | 'issue' }) {
    if (!isUuid(clientId)) throw new NotFoundError('client');
    return this.db.run(async (tx) => {
      if (!(await BillingQueries.client(tx, clientId))) throw new NotFoundError('client');
      const id = await InvoiceQueries.insertInvoice(tx, {
        clientId,
        kind: 'invoice',
        series: SERIES.invoice,
        currency: (await BillingQueries.clinic(tx)).currency,
        createdByName: tx.user?.name ?? null,
      });
      const claimed = await BillingQueries.claimCharges(tx, { invoiceId: id, clientId, ...form });
      if (claimed.length !== form.chargeIds.length) throw new ChargesAlreadyInvoiced();
      await this.audit.record(tx, {
        action: 'invoice.drafted',
        entity: 'invoice',
        entityId: id,
        after: { clientId, chargeIds: claimed },
      });
      if (form.action === 'issue') await this.issueIn(tx, id);
      return id;
    });
  }

  issue(invoiceId: string): Promise<void> {
    return this.db.run((tx) => this.issueIn(tx, this.checkedId(invoiceId)).then(() => undefined));
  }

  /** Takes a charge off a draft; it is open again for the next checkout. */
  removeFromDraft(invoiceId: string, chargeId: string): Promise<void> {
    return this.db.run(async (tx) => {
      await this.lockDraft(tx, this.checkedId(invoiceId));
      const released = isUuid(chargeId)
        ? await BillingQueries.releaseCharges(tx, invoiceId, chargeId)
        : [];
      if (!released.length) throw new NotFoundError('charge');
      await this.audit.record(tx, {
        action: 'invoice.charge_removed',
        entity: 'invoice',
        entityId: invoiceId,
        after: { chargeId },
      });
    });
  }

  /** Throws a draft away; its charges are open again. */
  discard(invoiceId: string): Promise<string> {
    return this.db.run(async (tx) => {
      const draft = await this.lockDraft(tx, this.checkedId(invoiceId));
      const released = await BillingQueries.releaseCharges(tx, invoiceId);
      await InvoiceQueries.deleteDraft(tx, invoiceId);
      await this.audit.record(tx, {
        action: 'invoice.discarded',
        entity: 'invoice',
        entityId: invoiceId,
        before: { chargeIds: released.map((r) => r.id) },
      });
      return draft.clientId;
    });
  }

  /** A credit note for the whole of an issued invoice, numbered in its own series. */
  async credit(invoiceId: string): Promise<string> {
    try {
      return await this.db.run(async (tx) => {
        const original = await InvoiceQueries.invoice(tx, this.checkedId(invoiceId));
        if (!original) throw new NotFoundError('invoice');
        if (original.status !== 'issued' || original.kind !== 'invoice') throw new NotCreditable();
        if (original.creditedById) throw new AlreadyCredited();
        const id = await InvoiceQueries.insertInvoice(tx, {
          clientId: original.clientId,
          kind: 'credit_note',
          series: SERIES.credit_note,
          currency: original.currency,
          creditsInvoiceId: invoiceId,
          createdByName: tx.user?.name ?? null,
        });
        const lines = (await InvoiceQueries.lines(tx, invoiceId)).map((l) => ({
          ...l,
          quantity: negate(l.quantity),
          discountMinor: negate(l.discountMinor),
          netMinor: negate(l.netMinor),
        }));
        await this.finish(tx, id, lines, SERIES.credit_note);
        return id;
      });
    } catch (err) {
      throw sqlState(err) === '23505' ? new AlreadyCredited() : err;
    }
  }

  /** An invoice as its document shows it: issuer (the clinic as invoiced), client, lines, tax per rate, payments. */
  document(invoiceId: string) {
    return this.db.run(async (tx) => {
      const invoice = await InvoiceQueries.invoice(tx, this.checkedId(invoiceId));
      if (!invoice) throw new NotFoundError('invoice');
      const lines =
        invoice.status === 'issued'
          ? await InvoiceQueries.lines(tx, invoiceId)
          : toLines(await BillingQueries.charges(tx, { invoiceId }));
      const totals = taxBands(
        lines.map((l) => ({ net: BigInt(l.netMinor), taxRateBp: l.taxRateBp })),
      );
      return {
        invoice,
        lines,
        totals,
        issuer: invoice.clinicSnapshot ?? (await BillingQueries.clinic(tx)),
        client: invoice.clientSnapshot ?? (await BillingQueries.client(tx, invoice.clientId))!,
        payments: await PaymentQueries.payments(tx, { invoiceId, limit: 100, offset: 0 }),
      };
    });
  }

  page(opts: { clientId?: string; page: number; pageSize: number }) {
    return this.db.run((tx) =>
      pageOf(
        opts,
        (limit, offset) => InvoiceQueries.invoices(tx, { clientId: opts.clientId, limit, offset }),
        () => InvoiceQueries.countInvoices(tx, opts.clientId),
      ),
    );
  }

  private checkedId(invoiceId: string): string {
    if (!isUuid(invoiceId)) throw new NotFoundError('invoice');
    return invoiceId;
  }

  private async lockDraft(tx: TenantTx, invoiceId: string) {
    const draft = await InvoiceQueries.lockDraft(tx, invoiceId);
    if (draft) return draft;
    if (await InvoiceQueries.exists(tx, invoiceId)) throw new InvoiceNotDraft();
    throw new NotFoundError('invoice');
  }

  private async issueIn(tx: TenantTx, invoiceId: string): Promise<number> {
    await this.lockDraft(tx, invoiceId);
    const lines = toLines(await BillingQueries.charges(tx, { invoiceId }));
    if (!lines.length) throw new EmptyInvoice();
    return this.finish(tx, invoiceId, lines, SERIES.invoice);
  }

  /** Writes the lines, takes the next number and marks the invoice issued, with its parties as they are now. */
  private async finish(tx: TenantTx, id: string, lines: InvoiceLine[], series: string) {
    const totals = taxBands(
      lines.map((l) => ({ net: BigInt(l.netMinor), taxRateBp: l.taxRateBp })),
    );
    const invoice = (await InvoiceQueries.invoice(tx, id))!;
    const client = (await BillingQueries.client(tx, invoice.clientId))!;
    const { currency: _currency, ...clinic } = await BillingQueries.clinic(tx);
    await InvoiceQueries.insertLines(tx, id, lines);
    const number = await InvoiceQueries.nextNumber(tx, series);
    await InvoiceQueries.markIssued(tx, {
      id,
      number,
      ...totals,
      client: {
        name: client.name,
        address: client.address,
        phone: client.phone,
        email: client.email,
      },
      clinic,
    });
    await this.audit.record(tx, {
      action: invoice.kind === 'credit_note' ? 'invoice.credit_note_issued' : 'invoice.issued',
      entity: 'invoice',
      entityId: id,
      after: { series, number, total: totals.total.toString(), credits: invoice.creditsInvoiceId },
    });
    return number;
  }
}

function toLines(charges: Awaited<ReturnType<typeof BillingQueries.charges>>): InvoiceLine[] {
  return charges.map((c, i) => ({
    position: i + 1,
    chargeId: c.id,
    description: c.petName ? `${c.description} (${c.petName})` : c.description,
    quantity: c.quantity,
    unitPriceMinor: c.unitPriceMinor,
    taxRateBp: c.taxRateBp,
    discountMinor: c.discountMinor,
    discountReason: c.discountReason,
    netMinor: c.netMinor,
  }));
}
