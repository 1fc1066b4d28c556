import { Module } from '@nestjs/common';
import { ClinicModule } from '../clinic/clinic.module.js';
import { ExportModule } from '../export/export.module.js';
import { BillingExport } from './billing-export.js';
import { CashUpController } from './cash-up.controller.js';
import { ChargeController } from './charge.controller.js';
import { ChargeService } from './charge.service.js';
import { CheckoutController } from './checkout.controller.js';
import { InvoiceController } from './invoice.controller.js';
import { InvoicePdf } from './invoice-pdf.js';
import { InvoiceService } from './invoice.service.js';
import { PaymentService } from './payment.service.js';
import { PriceListController } from './price-list.controller.js';
import { PriceListService } from './price-list.service.js';
import { TakingsService } from './takings.service.js';

/** Billing: price list, charges from visits, invoices and credit notes, payments, takings. */
@Module({
  imports: [ClinicModule, ExportModule],
  providers: [
    BillingExport,
    PriceListService,
    ChargeService,
    InvoiceService,
    InvoicePdf,
    PaymentService,
    TakingsService,
  ],
  controllers: [
    PriceListController,
    ChargeController,
    CheckoutController,
    InvoiceController,
    CashUpController,
  ],
  exports: [ChargeService, InvoiceService, PaymentService, TakingsService],
})
export class BillingModule {}
