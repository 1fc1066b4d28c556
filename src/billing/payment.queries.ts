import { firstRow, type TenantTx } from '../database/tenant-db.js';
import { count } from './billing.queries.js';
import type { Payment } from './billing.types.js';

const PAYMENT = `pm.id, pm.client_id as "clientId", c.first_name || ' ' || c.last_name as "clientName",
  pm.invoice_id as "invoiceId", pm.kind, pm.method, pm.amount_minor as "amountMinor", pm.currency, pm.reference,
  pm.received_at as "receivedAt", pm.recorded_by_name as "recordedByName"
  from payments pm join clients c on c.tenant_id = pm.tenant_id and c.id = pm.client_id`;

export interface PaymentFilter {
  clientId?: string;
  invoiceId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface Range {
  start: Date;
  end: Date;
}

/** SQL of payments, balances (the client_balances view) and the takings built from them. */
export const PaymentQueries = {
  /** Each given client's balance (minor units; positive means they owe), for those not at zero. */
  async balances(tx: TenantTx, clientIds: string[]): Promise<Map<string, bigint>> {
    const rows = await tx.manager.query<{ clientId: string; balance: string }[]>(
      `select client_id as "clientId", balance_minor::text as balance from client_balances
        where tenant_id = $1 and client_id = any($2::uuid[]) and balance_minor <> 0`,
      [tx.tenantId, clientIds],
    );
    return new Map(rows.map((r) => [r.clientId, BigInt(r.balance)]));
  },

  /** Records a payment once per form key: null when that key was already used. */
  insertPayment: async (
    tx: TenantTx,
    p: Omit<Payment, 'id' | 'clientName' | 'receivedAt'> & { formKey: string | null },
  ) =>
    (
      await firstRow<{ id: string }>(
        tx.manager,
        `insert into payments (tenant_id, client_id, invoice_id, kind, method, amount_minor, currency, reference, form_key,
                             recorded_by_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (tenant_id, form_key) do nothing returning id`,
        [
          tx.tenantId,
          p.clientId,
          p.invoiceId,
          p.kind,
          p.method,
          p.amountMinor,
          p.currency,
          p.reference,
          p.formKey,
          p.recordedByName,
        ],
      )
    )?.id ?? null,

  paymentByFormKey: (tx: TenantTx, formKey: string) =>
    firstRow<Payment>(
      tx.manager,
      `select ${PAYMENT} where pm.tenant_id = $1 and pm.form_key = $2`,
      [tx.tenantId, formKey],
    ),

  /** Serialises payments of one client, so two desks cannot both take the last of a balance. */
  lockClientPayments: (tx: TenantTx, clientId: string) =>
    tx.manager.query(
      `select pg_advisory_xact_lock(hashtextextended($1 || '/payments/' || $2, 0))`,
      [tx.tenantId, clientId],
    ),

  payments: (tx: TenantTx, opts: PaymentFilter) =>
    tx.manager.query<Payment[]>(
      `select ${PAYMENT} where pm.tenant_id = $1 and ($2::uuid is null or pm.client_id = $2)
          and ($3::uuid is null or pm.invoice_id = $3) and ($4::timestamptz is null or pm.received_at >= $4)
          and ($5::timestamptz is null or pm.received_at < $5)
        order by pm.received_at desc, pm.id limit $6 offset $7`,
      [
        tx.tenantId,
        opts.clientId ?? null,
        opts.invoiceId ?? null,
        opts.from ?? null,
        opts.to ?? null,
        opts.limit,
        opts.offset,
      ],
    ),

  countPayments: (tx: TenantTx, clientId?: string) =>
    count(
      tx,
      `select count(*) as n from payments where tenant_id = $1 and ($2::uuid is null or client_id = $2)`,
      [tx.tenantId, clientId ?? null],
    ),

  /** A period's payments and refunds, by method. */
  takingsByMethod: (tx: TenantTx, r: Range) =>
    tx.manager.query<{ method: string; kind: string; count: number; sumMinor: string }[]>(
      `select method, kind, count(*)::int as count, sum(amount_minor)::text as "sumMinor" from payments
        where tenant_id = $1 and received_at >= $2 and received_at < $3 group by method, kind order by method, kind`,
      [tx.tenantId, r.start, r.end],
    ),

  /** Invoices and credit notes issued in a period: how many and their totals. */
  issued: (tx: TenantTx, r: Range) =>
    tx.manager.query<{ kind: string; count: number; subtotalMinor: string; totalMinor: string }[]>(
      `select kind, count(*)::int as count, sum(subtotal_minor)::text as "subtotalMinor", sum(total_minor)::text as "totalMinor"
         from invoices where tenant_id = $1 and status = 'issued' and issued_at >= $2 and issued_at < $3 group by kind`,
      [tx.tenantId, r.start, r.end],
    ),

  /** Clients who owe money, and who are in credit, now. */
  openBalances: async (tx: TenantTx) =>
    (await firstRow<{ owing: number; owedMinor: string; inCredit: number; creditMinor: string }>(
      tx.manager,
      `select count(*) filter (where balance_minor > 0)::int as owing,
              coalesce(sum(balance_minor) filter (where balance_minor > 0), 0)::text as "owedMinor",
              count(*) filter (where balance_minor < 0)::int as "inCredit",
              coalesce(-sum(balance_minor) filter (where balance_minor < 0), 0)::text as "creditMinor"
         from client_balances where tenant_id = $1`,
      [tx.tenantId],
    ))!,

  /** Revenue before tax (invoices less credit notes) issued in each of two periods. */
  revenue: async (tx: TenantTx, current: Range, previous: Range) =>
    (await firstRow<{ currentMinor: string; previousMinor: string }>(
      tx.manager,
      `select coalesce(sum(subtotal_minor) filter (where issued_at >= $2 and issued_at < $3), 0)::text as "currentMinor",
              coalesce(sum(subtotal_minor) filter (where issued_at >= $4 and issued_at < $5), 0)::text as "previousMinor"
         from invoices where tenant_id = $1 and status = 'issued' and issued_at >= least($2, $4) and issued_at < greatest($3, $5)`,
      [tx.tenantId, current.start, current.end, previous.start, previous.end],
    ))!,
};
