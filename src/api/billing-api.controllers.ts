import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ChargeInput, PaymentInput } from '../billing/billing.forms.js';
import { ChargeService } from '../billing/charge.service.js';
import { InvoiceService } from '../billing/invoice.service.js';
import { invoiceNumber } from '../billing/invoice-view.js';
import { PaymentService } from '../billing/payment.service.js';
import { Translator } from '../i18n/i18n.js';
import { API_ERRORS, ApiPaging, ApiV1Controller } from './api-controller.js';
import { parseApiInput } from './api-input.js';
import { ListQuery, openApiSchema } from './api-schemas.js';

const ByClient = ListQuery.omit({ q: true }).extend({
  clientId: z.uuid({ error: 'validation.clientId' }).optional(),
});
const MONEY = 'Amounts are integer minor units of `currency` (cents), as strings.';

function ClientFilter() {
  return ApiQuery({
    name: 'clientId',
    required: false,
    schema: { type: 'string', format: 'uuid' },
  });
}

@ApiV1Controller('invoices')
export class InvoicesApiController {
  constructor(
    private readonly invoices: InvoiceService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @ApiOperation({ summary: `Invoices and credit notes, newest first. ${MONEY}` })
  @ClientFilter()
  @ApiPaging()
  @ApiResponse({ status: 200, description: '`{ data: Invoice[], page, pageSize, total }`' })
  async list(@Query() query: unknown) {
    const q = parseApiInput(this.translator, ByClient, query);
    const { data, total } = await this.invoices.page(q);
    return {
      data: data.map((i) => ({ ...i, label: invoiceNumber(i) })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: `An invoice with its lines, tax per rate and payments. ${MONEY}` })
  @ApiResponse({ status: 404, description: 'No such invoice in this clinic' })
  async get(@Param('id') id: string) {
    const doc = await this.invoices.document(id);
    const { bands, subtotal, tax, total } = doc.totals;
    return {
      ...doc.invoice,
      label: invoiceNumber(doc.invoice),
      lines: doc.lines,
      taxes: bands.map((b) => ({ rateBp: b.rateBp, baseMinor: `${b.base}`, taxMinor: `${b.tax}` })),
      totals: { subtotalMinor: `${subtotal}`, taxMinor: `${tax}`, totalMinor: `${total}` },
      payments: doc.payments,
    };
  }
}

@ApiV1Controller('payments')
export class PaymentsApiController {
  constructor(
    private readonly payments: PaymentService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @ApiOperation({ summary: `Payments and refunds, newest first. ${MONEY}` })
  @ClientFilter()
  @ApiPaging()
  async list(@Query() query: unknown) {
    const q = parseApiInput(this.translator, ByClient, query);
    return { ...(await this.payments.page(q)), page: q.page, pageSize: q.pageSize };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Record a payment or refund (taken elsewhere). `amount` is a decimal in the clinic currency; ' +
      'more than the balance needs `asCredit: true`; the same `formKey` twice records once.',
  })
  @ApiBody({ schema: openApiSchema(PaymentInput) })
  @ApiResponse({ status: 201, description: '`{ id }`' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  @ApiResponse({ status: 409, description: '`payment_already_recorded`' })
  @ApiResponse({ status: 422, description: '`payment_exceeds_balance` | `refund_exceeds_credit`' })
  async create(@Body() body: unknown) {
    const { clientId, ...form } = parseApiInput(this.translator, PaymentInput, body);
    return { id: await this.payments.record(clientId, form) };
  }
}

@ApiV1Controller('charges')
export class ChargesApiController {
  constructor(
    private readonly charges: ChargeService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @ApiOperation({ summary: `Charges, newest first; \`invoiceId\` null while open. ${MONEY}` })
  @ClientFilter()
  @ApiPaging()
  async list(@Query() query: unknown) {
    const q = parseApiInput(this.translator, ByClient, query);
    return { ...(await this.charges.page(q)), page: q.page, pageSize: q.pageSize };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Add a charge for a visit (`appointmentId`) or a pet (`petId`): a price-list item, a quantity ' +
      '(up to 2 decimals) and an optional discount (`amount` or `percent`, with a reason).',
  })
  @ApiBody({ schema: openApiSchema(ChargeInput) })
  @ApiResponse({ status: 201, description: 'The charge' })
  @ApiResponse({ status: 400, description: API_ERRORS[400] })
  async create(@Body() body: unknown) {
    const { appointmentId, petId, ...form } = parseApiInput(this.translator, ChargeInput, body);
    return this.charges.get(await this.charges.addFor({ appointmentId, petId }, form));
  }
}
