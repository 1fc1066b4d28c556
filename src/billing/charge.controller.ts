import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../common/validation.js';
import { CLINIC_STAFF, ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { CHARGE_WRITERS } from './billing-access.js';
import { ChargeForm } from './billing.forms.js';
import { ChargeService } from './charge.service.js';

type Body = Record<string, string | undefined>;

/** A visit's charges: the vet or nurse adds services and products, the desk checks out from here. */
@Controller('c/:clinicSlug')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...CLINIC_STAFF)
export class ChargeController {
  constructor(private readonly charges: ChargeService) {}

  @Get('appointments/:id/charges')
  async show(@Res() res: Response, @Param('id') id: string) {
    await this.render(res, id, 200, {});
  }

  @Post('appointments/:id/charges')
  @ClinicRoles(...CHARGE_WRITERS)
  async add(@Res() res: Response, @Param('id') id: string, @Body() body: Body) {
    try {
      await this.charges.addToVisit(id, parseInput(ChargeForm, body));
      res.redirect(303, `/c/${currentTenant().slug}/appointments/${id}/charges`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, id, error.status, { error, values: body });
    }
  }

  @Post('charges/:chargeId/remove')
  @ClinicRoles(...CHARGE_WRITERS)
  async remove(@Res() res: Response, @Param('chargeId') chargeId: string) {
    const charge = await this.charges.get(chargeId);
    const back = charge.appointmentId
      ? `appointments/${charge.appointmentId}/charges`
      : `clients/${charge.clientId}/account`;
    try {
      await this.charges.remove(chargeId);
      res.redirect(303, `/c/${currentTenant().slug}/${back}`);
    } catch (err) {
      const error = formErrors(err);
      if (!charge.appointmentId) throw err;
      await this.render(res, charge.appointmentId, error.status, { error });
    }
  }

  private async render(
    res: Response,
    appointmentId: string,
    status: number,
    form: { error?: FormErrors; values?: Body },
  ) {
    const page = await this.charges.visit(appointmentId);
    const picked = form.values?.itemId ?? page.visit.defaultServiceId;
    const role = currentTenant().role;
    res.status(status).render('billing/visit-charges', {
      title: page.visit.petName,
      ...page,
      error: form.error,
      values: { quantity: '1', discountType: 'none', ...form.values },
      canCharge: page.billable && CHARGE_WRITERS.includes(role),
      items: page.items.map((i) => ({
        value: i.id,
        label: `${i.code} · ${i.name}`,
        selected: i.id === picked,
      })),
      discountTypes: ['none', 'amount', 'percent'].map((d) => ({
        value: d,
        selected: d === (form.values?.discountType ?? 'none'),
      })),
    });
  }
}
