import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../common/validation.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { CASHIERS } from './billing-access.js';
import { CheckoutForm, PaymentForm } from './billing.forms.js';
import { InvoiceService } from './invoice.service.js';
import { type FormBody, invoiceNumber, paymentForm } from './invoice-view.js';
import { PaymentService } from './payment.service.js';

/** A client's account at the desk: open charges to check out, invoices, payments, balance. */
@Controller('c/:clinicSlug/clients/:clientId')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class CheckoutController {
  constructor(
    private readonly invoices: InvoiceService,
    private readonly payments: PaymentService,
  ) {}

  @Get('account')
  async account(
    @Res() res: Response,
    @Param('clientId') clientId: string,
    @Query('paid') paid?: string,
  ) {
    await this.render(res, clientId, 200, { paid: Boolean(paid) });
  }

  @Post('checkout')
  @ClinicRoles(...CASHIERS)
  async checkout(
    @Res() res: Response,
    @Param('clientId') clientId: string,
    @Body() body: FormBody,
  ) {
    try {
      const id = await this.invoices.checkout(clientId, parseInput(CheckoutForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/invoices/${id}`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, clientId, error.status, { checkoutError: error });
    }
  }

  @Post('payments')
  @ClinicRoles(...CASHIERS)
  async pay(@Res() res: Response, @Param('clientId') clientId: string, @Body() body: FormBody) {
    try {
      await this.payments.record(clientId, parseInput(PaymentForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/clients/${clientId}/account?paid=1`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, clientId, error.status, { payment: paymentForm(body, error) });
    }
  }

  private async render(
    res: Response,
    clientId: string,
    status: number,
    extra: { paid?: boolean; checkoutError?: FormErrors; payment?: ReturnType<typeof paymentForm> },
  ) {
    const page = await this.invoices.account(clientId);
    const balance = BigInt(page.client.balanceMinor);
    res.status(status).render('billing/account', {
      title: page.client.name,
      ...page,
      ...extra,
      owes: balance > 0n,
      creditMinor: balance < 0n ? (-balance).toString() : null,
      invoices: page.invoices.map((i) => ({ ...i, label: invoiceNumber(i) })),
      payment: extra.payment ?? paymentForm(),
      canCashier: CASHIERS.includes(currentTenant().role),
    });
  }
}
