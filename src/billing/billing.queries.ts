import { firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';
import type {
  Charge,
  ClientBrief,
  ClinicBilling,
  NewCharge,
  PriceItem,
  VisitForCharges,
} from './billing.types.js';

const ITEM = `id, kind, code, name, unit_price_minor as "unitPriceMinor", tax_rate_bp as "taxRateBp", active`;
const CHARGE = `ch.id, ch.client_id as "clientId", ch.pet_id as "petId", p.name as "petName",
  ch.appointment_id as "appointmentId", ch.item_id as "itemId", ch.description, ch.quantity,
  ch.unit_price_minor as "unitPriceMinor", ch.tax_rate_bp as "taxRateBp", ch.discount_minor as "discountMinor",
  ch.discount_reason as "discountReason", ch.net_minor as "netMinor", ch.invoice_id as "invoiceId",
  ch.created_by_name as "createdByName", ch.created_at as "createdAt"
  from charges ch left join pets p on p.tenant_id = ch.tenant_id and p.id = ch.pet_id`;
const BALANCE = `coalesce((select balance_minor from client_balances b where b.tenant_id = c.tenant_id and b.client_id = c.id), 0)::text`;

/**
 * Whether a client owes money, as a column expression other modules' queries may select
 * (the calendar block, the pet page): billing owns what a balance is. Pass qualified
 * columns (`c.tenant_id`): a bare name would resolve to the view's own inside the sub-query.
 */
export const owesMoneySql = (tenantId: string, clientId: string) =>
  `exists (select 1 from client_balances b where b.tenant_id = ${tenantId} and b.client_id = ${clientId} and b.balance_minor > 0)`;

/** The first column `n` of a count query. */
export const count = async (tx: TenantTx, sql: string, params: unknown[]) =>
  Number((await firstRow<{ n: string }>(tx.manager, sql, params))?.n ?? 0);

/** SQL of billing: price list, charges, invoices and their numbers, payments, balances, takings. */
export const BillingQueries = {
  clinic: (tx: TenantTx) =>
    firstRow<ClinicBilling>(
      tx.manager,
      `select name, address, phone, currency from tenants where id = $1`,
      [tx.tenantId],
    ) as Promise<ClinicBilling>,

  client: (tx: TenantTx, id: string) =>
    firstRow<ClientBrief>(
      tx.manager,
      `select c.id, c.first_name || ' ' || c.last_name as name, c.address, c.phone, c.email, ${BALANCE} as "balanceMinor"
         from clients c where c.tenant_id = $1 and c.id = $2`,
      [tx.tenantId, id],
    ),

  items: (tx: TenantTx, onlyActive = false) =>
    tx.manager.query<PriceItem[]>(
      `select ${ITEM} from price_items where tenant_id = $1 ${onlyActive ? 'and active' : ''} order by kind desc, code`,
      [tx.tenantId],
    ),

  item: (tx: TenantTx, id: string) =>
    firstRow<PriceItem>(
      tx.manager,
      `select ${ITEM} from price_items where tenant_id = $1 and id = $2`,
      [tx.tenantId, id],
    ),

  /** Adds an item, or changes the one with `id`; null when there is no such item. */
  saveItem: (
    tx: TenantTx,
    i: Omit<PriceItem, 'id' | 'unitPriceMinor'> & { id?: string; unitPriceMinor: bigint },
  ) =>
    i.id
      ? firstRow<PriceItem>(
          tx.manager,
          `update price_items set kind = $3, code = $4, name = $5, unit_price_minor = $6, tax_rate_bp = $7, active = $8,
                  updated_at = now() where tenant_id = $1 and id = $2 returning ${ITEM}`,
          [
            tx.tenantId,
            i.id,
            i.kind,
            i.code,
            i.name,
            i.unitPriceMinor.toString(),
            i.taxRateBp,
            i.active,
          ],
        )
      : firstRow<PriceItem>(
          tx.manager,
          `insert into price_items (tenant_id, kind, code, name, unit_price_minor, tax_rate_bp, active)
           values ($1, $2, $3, $4, $5, $6, $7) returning ${ITEM}`,
          [tx.tenantId, i.kind, i.code, i.name, i.unitPriceMinor.toString(), i.taxRateBp, i.active],
        ),

  typeServices: (tx: TenantTx) =>
    tx.manager.query<{ id: string; name: string; defaultServiceId: string | null }[]>(
      `select id, name, default_service_id as "defaultServiceId" from appointment_types
        where tenant_id = $1 and active order by name`,
      [tx.tenantId],
    ),

  visit: (tx: TenantTx, appointmentId: string) =>
    firstRow<VisitForCharges>(
      tx.manager,
      `select a.id, a.client_id as "clientId", c.first_name || ' ' || c.last_name as "clientName", a.pet_id as "petId",
              p.name as "petName", t.name as "typeName", a.status, a.starts_at as "startsAt",
              t.default_service_id as "defaultServiceId"
         from appointments a join clients c on c.tenant_id = a.tenant_id and c.id = a.client_id
         join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id
         join appointment_types t on t.tenant_id = a.tenant_id and t.id = a.type_id
        where a.tenant_id = $1 and a.id = $2`,
      [tx.tenantId, appointmentId],
    ),

  petOwner: (tx: TenantTx, petId: string) =>
    firstRow<{ clientId: string }>(
      tx.manager,
      `select client_id as "clientId" from pets where tenant_id = $1 and id = $2`,
      [tx.tenantId, petId],
    ),

  insertCharge: async (tx: TenantTx, c: NewCharge) =>
    (await firstRow<{ id: string }>(
      tx.manager,
      `insert into charges (tenant_id, client_id, pet_id, appointment_id, item_id, description, quantity, unit_price_minor,
                            tax_rate_bp, discount_minor, discount_reason, net_minor, created_by_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
      [
        tx.tenantId,
        c.clientId,
        c.petId,
        c.appointmentId,
        c.item.id,
        c.item.name,
        c.quantity,
        c.item.unitPriceMinor,
        c.item.taxRateBp,
        c.discountMinor.toString(),
        c.discountReason,
        c.netMinor.toString(),
        c.createdByName,
      ],
    ))!.id,

  charge: (tx: TenantTx, id: string) =>
    firstRow<Charge>(tx.manager, `select ${CHARGE} where ch.tenant_id = $1 and ch.id = $2`, [
      tx.tenantId,
      id,
    ]),

  /** Charges by appointment, open ones of a client, or those of an invoice. */
  charges: (
    tx: TenantTx,
    by: { appointmentId?: string; openOfClient?: string; invoiceId?: string },
  ) =>
    tx.manager.query<Charge[]>(
      `select ${CHARGE} where ch.tenant_id = $1 and ${
        by.appointmentId
          ? 'ch.appointment_id = $2'
          : by.invoiceId
            ? 'ch.invoice_id = $2'
            : 'ch.client_id = $2 and ch.invoice_id is null'
      } order by ch.created_at, ch.id`,
      [tx.tenantId, by.appointmentId ?? by.invoiceId ?? by.openOfClient],
    ),

  deleteOpenCharge: async (tx: TenantTx, id: string) =>
    (
      await returningRows(
        tx.manager,
        `delete from charges where tenant_id = $1 and id = $2 and invoice_id is null returning id`,
        [tx.tenantId, id],
      )
    ).length === 1,

  /** Puts open charges of the client on the invoice; returns the ids it could take. */
  claimCharges: async (
    tx: TenantTx,
    a: { invoiceId: string; clientId: string; chargeIds: string[] },
  ) =>
    (
      await returningRows<{ id: string }>(
        tx.manager,
        `update charges set invoice_id = $2 where tenant_id = $1 and client_id = $3 and id = any($4::uuid[])
          and invoice_id is null returning id`,
        [tx.tenantId, a.invoiceId, a.clientId, a.chargeIds],
      )
    ).map((r) => r.id),

  releaseCharges: (tx: TenantTx, invoiceId: string, chargeId?: string) =>
    returningRows<{ id: string }>(
      tx.manager,
      `update charges set invoice_id = null where tenant_id = $1 and invoice_id = $2 and ($3::uuid is null or id = $3)
          returning id`,
      [tx.tenantId, invoiceId, chargeId ?? null],
    ),

  chargesPage: (tx: TenantTx, opts: { clientId?: string; limit: number; offset: number }) =>
    tx.manager.query<Charge[]>(
      `select ${CHARGE} where ch.tenant_id = $1 and ($2::uuid is null or ch.client_id = $2)
        order by ch.created_at desc, ch.id limit $3 offset $4`,
      [tx.tenantId, opts.clientId ?? null, opts.limit, opts.offset],
    ),

  countCharges: (tx: TenantTx, clientId?: string) =>
    count(
      tx,
      `select count(*) as n from charges where tenant_id = $1 and ($2::uuid is null or client_id = $2)`,
      [tx.tenantId, clientId ?? null],
    ),
};
