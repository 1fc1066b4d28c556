import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../common/validation.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { CASHIERS } from './billing-access.js';
import { PaymentForm } from './billing.forms.js';
import { InvoicePdf } from './invoice-pdf.js';
import { type FormBody, invoiceNumber, paymentForm } from './invoice-view.js';
import { InvoiceService } from './invoice.service.js';
import { PaymentService } from './payment.service.js';

/** One invoice or credit note: edit or discard a draft, issue, credit, take payment, print. */
@Controller('c/:clinicSlug/invoices/:id')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class InvoiceController {
  constructor(
    private readonly invoices: InvoiceService,
    private readonly payments: PaymentService,
    private readonly pdf: InvoicePdf,
  ) {}

  @Get()
  async show(@Res() res: Response, @Param('id') id: string, @Query('paid') paid?: string) {
    await this.render(res, id, 200, { paid: Boolean(paid) });
  }

  @Post('issue')
  @ClinicRoles(...CASHIERS)
  issue(@Res() res: Response, @Param('id') id: string) {
    return this.act(res, id, () => this.invoices.issue(id).then(() => `invoices/${id}`));
  }

  @Post('discard')
  @ClinicRoles(...CASHIERS)
  discard(@Res() res: Response, @Param('id') id: string) {
    return this.act(res, id, async () => `clients/${await this.invoices.discard(id)}/account`);
  }

  @Post('charges/:chargeId/remove')
  @ClinicRoles(...CASHIERS)
  removeCharge(@Res() res: Response, @Param('id') id: string, @Param('chargeId') chargeId: string) {
    return this.act(res, id, () =>
      this.invoices.removeFromDraft(id, chargeId).then(() => `invoices/${id}`),
    );
  }

  @Post('credit')
  @ClinicRoles(...CASHIERS)
  credit(@Res() res: Response, @Param('id') id: string) {
    return this.act(res, id, async () => `invoices/${await this.invoices.credit(id)}`);
  }

  @Post('payments')
  @ClinicRoles(...CASHIERS)
  async pay(@Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const { invoice } = await this.invoices.document(id);
    try {
      await this.payments.record(
        invoice.clientId,
        parseInput(PaymentForm, { ...body, invoiceId: id }),
      );
      res.redirect(303, `/c/${currentTenant().slug}/invoices/${id}?paid=1`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, id, error.status, { payment: paymentForm(body, error) });
    }
  }

  /** The printable page, in the clinic's language (print CSS hides everything but the document). */
  @Get('print')
  async print(@Res() res: Response, @Param('id') id: string) {
    const doc = await this.invoices.document(id);
    res.render('billing/print', {
      ...doc,
      number: invoiceNumber(doc.invoice),
      locale: currentTenant().locale,
    });
  }

  @Get('pdf')
  async download(@Res() res: Response, @Param('id') id: string) {
    const doc = await this.invoices.document(id);
    const { locale, timeZone } = currentTenant();
    const bytes = await this.pdf.render(doc, locale, timeZone);
    res
      .status(200)
      .type('application/pdf')
      .setHeader(
        'Content-Disposition',
        `inline; filename="${invoiceNumber(doc.invoice) ?? 'draft'}.pdf"`,
      )
      .send(bytes);
  }

  private async act(res: Response, id: string, work: () => Promise<string>) {
    try {
      res.redirect(303, `/c/${currentTenant().slug}/${await work()}`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, id, error.status, { error });
    }
  }

  private async render(
    res: Response,
    id: string,
    status: number,
    extra: { paid?: boolean; error?: FormErrors; payment?: ReturnType<typeof paymentForm> },
  ) {
    const doc = await this.invoices.document(id);
    const due = doc.totals.total - BigInt(doc.invoice.paidMinor);
    res.status(status).render('billing/invoice', {
      title: invoiceNumber(doc.invoice) ?? doc.client.name,
      ...doc,
      ...extra,
      number: invoiceNumber(doc.invoice),
      draft: doc.invoice.status === 'draft',
      creditable:
        doc.invoice.status === 'issued' &&
        doc.invoice.kind === 'invoice' &&
        !doc.invoice.creditedById,
      dueMinor: due,
      payment: extra.payment ?? paymentForm({ amount: '' }),
      canCashier: CASHIERS.includes(currentTenant().role),
    });
  }
}
