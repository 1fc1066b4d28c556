import { firstRow, type TenantTx } from '../database/tenant-db.js';
import { count } from './billing.queries.js';
import type { Invoice, InvoiceLine } from './billing.types.js';

const INVOICE = `i.id, i.client_id as "clientId", c.first_name || ' ' || c.last_name as "clientName", i.kind, i.status,
  i.series, i.number, i.credits_invoice_id as "creditsInvoiceId",
  (select cn.id from invoices cn where cn.tenant_id = i.tenant_id and cn.credits_invoice_id = i.id) as "creditedById",
  i.currency, i.issued_at as "issuedAt", i.subtotal_minor as "subtotalMinor", i.tax_minor as "taxMinor",
  i.total_minor as "totalMinor",
  coalesce((select sum(case pm.kind when 'payment' then pm.amount_minor else -pm.amount_minor end)
     from payments pm where pm.tenant_id = i.tenant_id and pm.invoice_id = i.id), 0)::text as "paidMinor",
  i.client_snapshot as "clientSnapshot", i.clinic_snapshot as "clinicSnapshot", i.created_at as "createdAt"
  from invoices i join clients c on c.tenant_id = i.tenant_id and c.id = i.client_id`;

/** SQL of invoices and credit notes: drafts, their lines, the numbering counter, issuing. */
export const InvoiceQueries = {
  insertInvoice: async (
    tx: TenantTx,
    i: {
      clientId: string;
      kind: 'invoice' | 'credit_note';
      series: string;
      currency: string;
      creditsInvoiceId?: string;
      createdByName: string | null;
    },
  ) =>
    (await firstRow<{ id: string }>(
      tx.manager,
      `insert into invoices (tenant_id, client_id, kind, series, currency, credits_invoice_id, created_by_name)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        tx.tenantId,
        i.clientId,
        i.kind,
        i.series,
        i.currency,
        i.creditsInvoiceId ?? null,
        i.createdByName,
      ],
    ))!.id,

  /**
   * The draft, row-locked until the end of the transaction (being issued or discarded). An
   * issued invoice cannot be locked: the app's role may not update it (invoices_issued_are_final).
   */
  lockDraft: (tx: TenantTx, id: string) =>
    firstRow<{ id: string; status: string; kind: string; clientId: string }>(
      tx.manager,
      `select id, status, kind, client_id as "clientId" from invoices
        where tenant_id = $1 and id = $2 and status = 'draft' for update`,
      [tx.tenantId, id],
    ),

  exists: async (tx: TenantTx, id: string) =>
    Boolean(
      await firstRow(tx.manager, `select 1 from invoices where tenant_id = $1 and id = $2`, [
        tx.tenantId,
        id,
      ]),
    ),

  invoice: (tx: TenantTx, id: string) =>
    firstRow<Invoice>(tx.manager, `select ${INVOICE} where i.tenant_id = $1 and i.id = $2`, [
      tx.tenantId,
      id,
    ]),

  invoices: (tx: TenantTx, opts: { clientId?: string; limit: number; offset: number }) =>
    tx.manager.query<Invoice[]>(
      `select ${INVOICE} where i.tenant_id = $1 and ($2::uuid is null or i.client_id = $2)
        order by i.created_at desc, i.id limit $3 offset $4`,
      [tx.tenantId, opts.clientId ?? null, opts.limit, opts.offset],
    ),

  countInvoices: (tx: TenantTx, clientId?: string) =>
    count(
      tx,
      `select count(*) as n from invoices where tenant_id = $1 and ($2::uuid is null or client_id = $2)`,
      [tx.tenantId, clientId ?? null],
    ),

  lines: (tx: TenantTx, invoiceId: string) =>
    tx.manager.query<InvoiceLine[]>(
      `select position, charge_id as "chargeId", description, quantity, unit_price_minor as "unitPriceMinor",
              tax_rate_bp as "taxRateBp", discount_minor as "discountMinor", discount_reason as "discountReason",
              net_minor as "netMinor"
         from invoice_lines where tenant_id = $1 and invoice_id = $2 order by position`,
      [tx.tenantId, invoiceId],
    ),

  async insertLines(tx: TenantTx, invoiceId: string, lines: InvoiceLine[]): Promise<void> {
    const params: unknown[] = [tx.tenantId, invoiceId];
    const rows = lines.map((l) => {
      const at =
        params.push(
          l.position,
          l.chargeId,
          l.description,
          l.quantity,
          l.unitPriceMinor,
          l.taxRateBp,
          l.discountMinor,
          l.discountReason,
          l.netMinor,
        ) - 9;
      return `($1, $2, ${Array.from({ length: 9 }, (_, k) => `$${at + k + 1}`).join(', ')})`;
    });
    await tx.manager.query(
      `insert into invoice_lines (tenant_id, invoice_id, position, charge_id, description, quantity, unit_price_minor,
                                  tax_rate_bp, discount_minor, discount_reason, net_minor) values ${rows.join(', ')}`,
      params,
    );
  },

  /**
   * The series' next number. The counter row stays locked by this UPDATE until the issuing
   * transaction ends, so a concurrent issue waits, and a rollback gives the number back.
   */
  nextNumber: async (tx: TenantTx, series: string) =>
    (await firstRow<{ n: number }>(
      tx.manager,
      `insert into invoice_counters (tenant_id, series, last_number) values ($1, $2, 1)
       on conflict (tenant_id, series) do update set last_number = invoice_counters.last_number + 1
       returning last_number as n`,
      [tx.tenantId, series],
    ))!.n,

  markIssued: (
    tx: TenantTx,
    i: {
      id: string;
      number: number;
      subtotal: bigint;
      tax: bigint;
      total: bigint;
      client: object;
      clinic: object;
    },
  ) =>
    tx.manager.query(
      `update invoices set status = 'issued', number = $3, issued_at = now(), subtotal_minor = $4, tax_minor = $5,
              total_minor = $6, client_snapshot = $7, clinic_snapshot = $8
        where tenant_id = $1 and id = $2 and status = 'draft'`,
      [
        tx.tenantId,
        i.id,
        i.number,
        i.subtotal.toString(),
        i.tax.toString(),
        i.total.toString(),
        JSON.stringify(i.client),
        JSON.stringify(i.clinic),
      ],
    ),

  deleteDraft: (tx: TenantTx, id: string) =>
    tx.manager.query(`delete from invoices where tenant_id = $1 and id = $2 and status = 'draft'`, [
      tx.tenantId,
      id,
    ]),
};
