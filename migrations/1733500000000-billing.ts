import type { MigrationInterface, QueryRunner } from 'typeorm';
import { distributeOnCitus } from './citus.js';
import { enableTenantRls } from './rls.js';

const TABLES = [
  'price_items',
  'charges',
  'invoices',
  'invoice_lines',
  'invoice_counters',
  'payments',
];

/**
 * Billing: a clinic's price list, charges from visits, invoices (numbered per clinic and
 * series from a counter row locked in the issuing transaction, so numbers are gapless),
 * credit notes, and payments. Money is integer minor units in the clinic's currency, tax
 * rates basis points. Issued invoices are immutable: a restrictive policy lets the app update
 * drafts only, and it may neither change nor delete lines or payments.
 */
export class Billing1733500000000 implements MigrationInterface {
  name = 'Billing1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table tenants add column currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$');
      update tenants set currency = 'EUR' where time_zone like 'Europe/%';
      update tenants set currency = 'MXN' where time_zone in ('America/Mexico_City', 'America/Monterrey',
        'America/Cancun', 'America/Merida', 'America/Tijuana', 'America/Chihuahua', 'America/Hermosillo', 'America/Mazatlan');

      create table price_items (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        kind text not null check (kind in ('service', 'product')),
        code text not null check (length(code) between 1 and 30),
        name text not null check (length(name) between 1 and 120),
        unit_price_minor bigint not null check (unit_price_minor >= 0),
        tax_rate_bp int not null check (tax_rate_bp between 0 and 10000),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, code)
      );
      alter table appointment_types add column default_service_id uuid,
        add foreign key (tenant_id, default_service_id) references price_items (tenant_id, id) on delete restrict;

      create table invoices (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        client_id uuid not null,
        kind text not null default 'invoice' check (kind in ('invoice', 'credit_note')),
        status text not null default 'draft' check (status in ('draft', 'issued')),
        series text not null check (series ~ '^[A-Z]{1,4}$'),
        number int check (number > 0),
        credits_invoice_id uuid,
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        issued_at timestamptz,
        subtotal_minor bigint not null default 0,
        tax_minor bigint not null default 0,
        total_minor bigint not null default 0,
        client_snapshot jsonb,
        clinic_snapshot jsonb,
        created_by_name text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, series, number),
        check ((status = 'issued') = (number is not null) and (status = 'issued') = (issued_at is not null)),
        check ((kind = 'credit_note') = (credits_invoice_id is not null)),
        check (total_minor = subtotal_minor + tax_minor),
        foreign key (tenant_id, client_id) references clients (tenant_id, id) on delete restrict,
        foreign key (tenant_id, credits_invoice_id) references invoices (tenant_id, id) on delete restrict
      );
      create index invoices_client_idx on invoices (tenant_id, client_id, created_at desc);
      create index invoices_issued_idx on invoices (tenant_id, issued_at) where issued_at is not null;
      create unique index invoices_one_credit_note on invoices (tenant_id, credits_invoice_id)
        where credits_invoice_id is not null;

      create table charges (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        client_id uuid not null,
        pet_id uuid,
        appointment_id uuid,
        item_id uuid not null,
        description text not null check (length(description) between 1 and 200),
        quantity numeric(9, 2) not null check (quantity > 0),
        unit_price_minor bigint not null check (unit_price_minor >= 0),
        tax_rate_bp int not null check (tax_rate_bp between 0 and 10000),
        discount_minor bigint not null default 0 check (discount_minor >= 0),
        discount_reason text check (length(discount_reason) between 1 and 200),
        net_minor bigint not null check (net_minor >= 0),
        invoice_id uuid,
        created_by_name text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (discount_minor = 0 or discount_reason is not null),
        foreign key (tenant_id, client_id) references clients (tenant_id, id) on delete restrict,
        foreign key (tenant_id, pet_id) references pets (tenant_id, id) on delete restrict,
        foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete restrict,
        foreign key (tenant_id, item_id) references price_items (tenant_id, id) on delete restrict,
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete restrict
      );
      create index charges_open_idx on charges (tenant_id, client_id) where invoice_id is null;
      create index charges_appointment_idx on charges (tenant_id, appointment_id) where appointment_id is not null;
      create index charges_invoice_idx on charges (tenant_id, invoice_id) where invoice_id is not null;

      -- What was billed, as it was billed: copied from the charges when the invoice is issued.
      create table invoice_lines (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        invoice_id uuid not null,
        position int not null,
        charge_id uuid,
        description text not null,
        quantity numeric(9, 2) not null,
        unit_price_minor bigint not null,
        tax_rate_bp int not null,
        discount_minor bigint not null,
        discount_reason text,
        net_minor bigint not null,
        primary key (tenant_id, id),
        unique (tenant_id, invoice_id, position),
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete restrict,
        foreign key (tenant_id, charge_id) references charges (tenant_id, id) on delete restrict
      );

      -- One row per clinic and series; the issuing transaction's UPDATE locks it until commit.
      create table invoice_counters (
        tenant_id uuid not null references tenants (id) on delete cascade,
        series text not null,
        last_number int not null check (last_number > 0),
        primary key (tenant_id, series)
      );

      create table payments (
        tenant_id uuid not null references tenants (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        client_id uuid not null,
        invoice_id uuid,
        kind text not null check (kind in ('payment', 'refund')),
        method text not null check (method in ('cash', 'card', 'transfer')),
        amount_minor bigint not null check (amount_minor > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        reference text check (length(reference) <= 200),
        form_key uuid,
        received_at timestamptz not null default now(),
        recorded_by_name text,
        primary key (tenant_id, id),
        unique (tenant_id, form_key),
        foreign key (tenant_id, client_id) references clients (tenant_id, id) on delete restrict,
        foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete restrict
      );
      create index payments_client_idx on payments (tenant_id, client_id, received_at desc);
      create index payments_time_idx on payments (tenant_id, received_at);
      ${TABLES.map(enableTenantRls).join('\n')}

      -- What each client owes (positive) or has in credit (negative): issued invoices and
      -- credit notes less payments plus refunds. security_invoker: the tables' policies apply.
      create view client_balances with (security_invoker = true) as
        select tenant_id, client_id, sum(amount)::bigint as balance_minor from (
          select tenant_id, client_id, total_minor as amount from invoices where status = 'issued'
          union all
          select tenant_id, client_id, case kind when 'payment' then -amount_minor else amount_minor end
            from payments
        ) moves group by tenant_id, client_id;

      -- Issued invoices are final for the app: corrections are credit notes. No trigger (Citus
      -- refuses triggers on distributed tables): a restrictive policy lets the app's role change
      -- drafts only, it may set only the columns that issuing sets, and lines and payments can
      -- be neither updated nor deleted.
      create policy invoices_issued_are_final on invoices as restrictive for update to vetlane_app
        using (status = 'draft') with check (true);
      revoke update on invoices from vetlane_app;
      grant update (status, number, issued_at, subtotal_minor, tax_minor, total_minor, client_snapshot,
        clinic_snapshot) on invoices to vetlane_app;
      revoke delete on invoice_lines, payments, invoice_counters from vetlane_app;
      revoke update on invoice_lines, payments from vetlane_app;
      grant select on client_balances to vetlane_app;
    `);
    // On Citus: distributed by tenant_id beside the clinic's other tables (no-op elsewhere).
    await q.query(distributeOnCitus({ tenant: TABLES }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop view client_balances;
      drop table payments;
      drop table invoice_counters;
      drop table invoice_lines;
      drop table charges;
      drop table invoices;
      alter table appointment_types drop column default_service_id;
      drop table price_items;
      alter table tenants drop column currency;
    `);
  }
}
