import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExportRegistry } from '../export/export-registry.js';
import { tableSource } from '../export/export-source.js';

/** The price list, charges, invoices with their lines, and payments go into the clinic's export. */
@Injectable()
export class BillingExport implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit() {
    const sources = {
      price_items: [
        'id',
        'kind',
        'code',
        'name',
        'unit_price_minor',
        'tax_rate_bp',
        'active',
        'created_at',
        'updated_at',
      ],
      charges: [
        'id',
        'client_id',
        'pet_id',
        'appointment_id',
        'item_id',
        'description',
        'quantity',
        'unit_price_minor',
        'tax_rate_bp',
        'discount_minor',
        'discount_reason',
        'net_minor',
        'invoice_id',
        'created_by_name',
        'created_at',
      ],
      invoices: [
        'id',
        'client_id',
        'kind',
        'status',
        'series',
        'number',
        'credits_invoice_id',
        'currency',
        'issued_at',
        'subtotal_minor',
        'tax_minor',
        'total_minor',
        'client_snapshot',
        'clinic_snapshot',
        'created_by_name',
        'created_at',
      ],
      invoice_lines: [
        'id',
        'invoice_id',
        'position',
        'charge_id',
        'description',
        'quantity',
        'unit_price_minor',
        'tax_rate_bp',
        'discount_minor',
        'discount_reason',
        'net_minor',
      ],
      payments: [
        'id',
        'client_id',
        'invoice_id',
        'kind',
        'method',
        'amount_minor',
        'currency',
        'reference',
        'received_at',
        'recorded_by_name',
      ],
    };
    for (const [name, columns] of Object.entries(sources))
      this.registry.register(tableSource({ name, columns }));
  }
}
