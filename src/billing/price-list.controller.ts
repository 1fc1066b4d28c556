import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { minorDigits, toDecimalString } from '../common/money.js';
import { parseInput } from '../common/validation.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { type FormErrors, formErrors } from '../web/form-errors.js';
import { PRICE_KEEPERS } from './billing-access.js';
import { PriceItemForm, TypeServiceForm } from './billing.forms.js';
import { PriceListService } from './price-list.service.js';

type Body = Record<string, string | undefined>;

/** Managers keep the price list: services and products, and the service each visit type bills. */
@Controller('c/:clinicSlug/billing/prices')
@UseGuards(ClinicAccessGuard)
@ClinicRoles(...PRICE_KEEPERS)
export class PriceListController {
  constructor(private readonly prices: PriceListService) {}

  @Get()
  async show(@Res() res: Response, @Query('saved') saved?: string) {
    await this.render(res, 200, { saved: Boolean(saved) });
  }

  @Post()
  save(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, () => this.prices.save(parseInput(PriceItemForm, body)));
  }

  @Post('types')
  typeService(@Res() res: Response, @Body() body: Body) {
    return this.handle(res, body, () => {
      const form = parseInput(TypeServiceForm, body);
      return this.prices.setTypeService(form.typeId, form.serviceId);
    });
  }

  private async handle(res: Response, body: Body, save: () => Promise<unknown>) {
    try {
      await save();
      res.redirect(303, `/c/${currentTenant().slug}/billing/prices?saved=1`);
    } catch (err) {
      const error = formErrors(err);
      await this.render(res, error.status, { error, values: body });
    }
  }

  private async render(
    res: Response,
    status: number,
    extra: { saved?: boolean; error?: FormErrors; values?: Body },
  ) {
    const { currency, items, types } = await this.prices.load();
    const services = items.filter((i) => i.kind === 'service');
    res.status(status).render('billing/prices', {
      ...extra,
      values: extra.values ?? { kind: 'service', taxRate: '0' },
      currency,
      items: items.map((i) => ({
        ...i,
        price: toDecimalString(BigInt(i.unitPriceMinor), minorDigits(currency)),
        rate: i.taxRateBp / 100,
      })),
      types: types.map((t) => ({
        ...t,
        options: services.map((s) => ({
          value: s.id,
          label: `${s.code} · ${s.name}`,
          selected: s.id === t.defaultServiceId,
        })),
      })),
      kinds: ['service', 'product'].map((k) => ({ value: k, selected: k === extra.values?.kind })),
    });
  }
}
