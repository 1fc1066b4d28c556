import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError, ValidationFailed } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { once } from '../idempotency/once.js';
import { pageOf } from './paging.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { Amounts } from './amounts.js';
import {
  PaymentAlreadyRecorded,
  PaymentExceedsBalance,
  RefundExceedsCredit,
} from './billing.errors.js';
import type { PaymentForm } from './billing.forms.js';
import { BillingQueries } from './billing.queries.js';
import { InvoiceQueries } from './invoice.queries.js';
import { PaymentQueries } from './payment.queries.js';

/**
 * Payments and refunds as the desk records them (taken elsewhere: cash drawer, card
 * terminal, bank). A payment may not exceed what the client owes unless the rest is
 * explicitly kept as credit; a refund may not exceed the client's credit. One client's
 * payments are serialised, and a form key makes a re-sent form record nothing new.
 */
@Injectable()
export class PaymentService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  record(clientId: string, form: PaymentForm): Promise<string> {
    if (!isUuid(clientId)) throw new NotFoundError('client');
    return this.db.run((tx) => once(tx, 'payment.record', () => this.insert(tx, clientId, form)));
  }

  private async insert(tx: TenantTx, clientId: string, form: PaymentForm): Promise<string> {
    await PaymentQueries.lockClientPayments(tx, clientId);
    if (form.formKey && (await PaymentQueries.paymentByFormKey(tx, form.formKey)))
      throw new PaymentAlreadyRecorded();
    const client = await BillingQueries.client(tx, clientId);
    if (!client) throw new NotFoundError('client');
    const { currency } = await BillingQueries.clinic(tx);
    const amount = Amounts.money(form.amount, currency, 'amount');
    if (form.invoiceId) await this.assertInvoiceOf(tx, form.invoiceId, clientId);
    const balance = BigInt(client.balanceMinor);
    if (form.kind === 'payment' && amount > balance && !form.asCredit)
      throw new PaymentExceedsBalance('', { owed: balance.toString() });
    if (form.kind === 'refund' && amount > -balance) throw new RefundExceedsCredit();
    const id = await PaymentQueries.insertPayment(tx, {
      clientId,
      invoiceId: form.invoiceId,
      kind: form.kind,
      method: form.method,
      amountMinor: amount.toString(),
      currency,
      reference: form.reference,
      formKey: form.formKey,
      recordedByName: tx.user?.name ?? null,
    });
    if (!id) throw new PaymentAlreadyRecorded();
    await this.audit.record(tx, {
      action: form.kind === 'refund' ? 'payment.refunded' : 'payment.recorded',
      entity: 'payment',
      entityId: id,
      after: {
        clientId,
        invoiceId: form.invoiceId,
        method: form.method,
        amount: amount.toString(),
        currency,
      },
    });
    return id;
  }

  page(opts: { clientId?: string; page: number; pageSize: number }) {
    return this.db.run((tx) =>
      pageOf(
        opts,
        (limit, offset) => PaymentQueries.payments(tx, { clientId: opts.clientId, limit, offset }),
        () => PaymentQueries.countPayments(tx, opts.clientId),
      ),
    );
  }

  private async assertInvoiceOf(tx: TenantTx, invoiceId: string, clientId: string) {
    const invoice = await InvoiceQueries.invoice(tx, invoiceId);
    if (!invoice || invoice.clientId !== clientId || invoice.status !== 'issued')
      throw new ValidationFailed({ invoiceId: 'validation.invoice' });
  }
}
