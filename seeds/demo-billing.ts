import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { lineNet, taxBands } from '../src/common/money.js';
import type { DemoClinic } from './demo-data.js';
import { insertRows, type Random } from './sql.js';

/** Prices before tax in major units, per the clinic's language; scaled to the currency below. */
const PRICE_LIST = {
  es: [
    ['CONS', 'Consulta', 'service', 45, 'Consulta'],
    ['VAC', 'Vacunación', 'service', 35, 'Vacunación'],
    ['REV', 'Revisión', 'service', 30, 'Revisión'],
    ['CIR', 'Cirugía', 'service', 350, 'Cirugía'],
    ['PEL', 'Peluquería', 'service', 40, 'Peluquería'],
    ['ANTP', 'Antiparasitario', 'product', 18.5, null],
    ['PIEN', 'Pienso renal 2 kg', 'product', 32, null],
  ],
  en: [
    ['CONS', 'Consultation', 'service', 60, 'Consultation'],
    ['VAC', 'Vaccination', 'service', 45, 'Vaccination'],
    ['CHK', 'Check-up', 'service', 40, 'Check-up'],
    ['SURG', 'Surgery', 'service', 450, 'Surgery'],
    ['GRM', 'Grooming', 'service', 55, 'Grooming'],
    ['FLEA', 'Flea and tick treatment', 'product', 24, null],
    ['FOOD', 'Renal diet 2 kg', 'product', 38, null],
  ],
} as const;
/** Major-unit scale and tax (basis points) for services and products. */
const CURRENCY = {
  EUR: { scale: 1, service: 2100, product: 2100 },
  MXN: { scale: 18, service: 1600, product: 1600 },
  USD: { scale: 1, service: 0, product: 800 },
} as const;

interface Visit {
  id: string;
  clientId: string;
  petId: string;
  typeId: string;
  endsAt: Date;
}

/**
 * The demo clinics' billing: a price list, each type's service, and for every completed
 * past visit its charges, an issued invoice (numbered in time order) and, mostly, payments,
 * so the cash-up, balances and the company's revenue show real figures.
 */
export async function seedBilling(opts: {
  manager: EntityManager;
  tenantId: string;
  clinic: DemoClinic & { currency: keyof typeof CURRENCY };
  rng: Random;
}) {
  const { manager, tenantId, clinic, rng } = opts;
  const money = CURRENCY[clinic.currency];
  const items = PRICE_LIST[clinic.locale].map(([code, name, kind, price, typeName]) => ({
    row: {
      tenant_id: tenantId,
      id: randomUUID(),
      kind,
      code,
      name,
      unit_price_minor: Math.round(price * money.scale * 100),
      tax_rate_bp: money[kind],
    },
    typeName,
  }));
  await insertRows(
    manager,
    'price_items',
    items.map((i) => i.row),
  );
  for (const item of items.filter((i) => i.typeName))
    await manager.query(
      `update appointment_types set default_service_id = $2 where tenant_id = $1 and name = $3`,
      [tenantId, item.row.id, item.typeName],
    );
  const products = items.filter((i) => i.row.kind === 'product').map((i) => i.row);

  const visits: Visit[] = await manager.query(
    `select a.id, a.client_id as "clientId", a.pet_id as "petId", a.type_id as "typeId", a.ends_at as "endsAt"
       from appointments a where a.tenant_id = $1 and a.status = 'completed' and a.ends_at < now()
      order by a.ends_at, a.id`,
    [tenantId],
  );
  const serviceOf: Map<string, string> = new Map(
    (
      await manager.query(
        `select id, default_service_id as s from appointment_types where tenant_id = $1`,
        [tenantId],
      )
    ).map((r: { id: string; s: string }) => [r.id, r.s]),
  );
  const byId = new Map<string, (typeof items)[number]['row']>(items.map((i) => [i.row.id, i.row]));
  const charges: Record<string, unknown>[] = [];
  const invoices: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const payments: Record<string, unknown>[] = [];
  for (const [n, visit] of visits.entries()) {
    const billed = [byId.get(serviceOf.get(visit.typeId) ?? '')!];
    if (rng.chance(0.3)) billed.push(rng.pick(products));
    const invoiceId = randomUUID();
    const issuedAt = new Date(visit.endsAt.getTime() + 5 * 60_000);
    const priced = billed.map((item, position) => {
      const id = randomUUID();
      const { net } = lineNet({
        quantityHundredths: 100n,
        unitMinor: BigInt(item.unit_price_minor),
        discount: null,
      });
      const common = {
        tenant_id: tenantId,
        description: item.name,
        quantity: '1.00',
        unit_price_minor: item.unit_price_minor,
        tax_rate_bp: item.tax_rate_bp,
        discount_minor: 0,
        net_minor: net.toString(),
      };
      charges.push({
        ...common,
        id,
        client_id: visit.clientId,
        pet_id: visit.petId,
        appointment_id: visit.id,
        item_id: item.id,
        invoice_id: invoiceId,
        created_at: visit.endsAt,
      });
      lines.push({
        ...common,
        id: randomUUID(),
        invoice_id: invoiceId,
        position: position + 1,
        charge_id: id,
      });
      return { net, taxRateBp: item.tax_rate_bp };
    });
    const totals = taxBands(priced);
    invoices.push({
      tenant_id: tenantId,
      id: invoiceId,
      client_id: visit.clientId,
      kind: 'invoice',
      status: 'issued',
      series: 'INV',
      number: n + 1,
      currency: clinic.currency,
      issued_at: issuedAt,
      subtotal_minor: totals.subtotal.toString(),
      tax_minor: totals.tax.toString(),
      total_minor: totals.total.toString(),
      created_at: issuedAt,
    });
    // Most pay in full at the desk, some pay half, a few still owe.
    const roll = rng.next();
    const paid = roll < 0.8 ? totals.total : roll < 0.9 ? totals.total / 2n : 0n;
    if (paid > 0n)
      payments.push({
        tenant_id: tenantId,
        id: randomUUID(),
        client_id: visit.clientId,
        invoice_id: invoiceId,
        kind: 'payment',
        method: rng.pick(['card', 'card', 'cash', 'transfer']),
        amount_minor: paid.toString(),
        currency: clinic.currency,
        received_at: issuedAt,
      });
  }
  // Invoices before the charges and lines that point at them.
  await insertRows(manager, 'invoices', invoices);
  await insertRows(manager, 'charges', charges);
  await insertRows(manager, 'invoice_lines', lines);
  await insertRows(manager, 'payments', payments);
  if (invoices.length)
    await manager.query(
      `insert into invoice_counters (tenant_id, series, last_number) values ($1, 'INV', $2)`,
      [tenantId, invoices.length],
    );
}
