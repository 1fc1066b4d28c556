/** Rows of the billing tables as pages and the API see them; money is minor units as text (bigint). */

export type PriceKind = 'service' | 'product';
export type PaymentMethod = 'cash' | 'card' | 'transfer';
export const PAYMENT_METHODS: PaymentMethod[] = ['cash', 'card', 'transfer'];

export interface PriceItem {
  id: string;
  kind: PriceKind;
  code: string;
  name: string;
  unitPriceMinor: string;
  taxRateBp: number;
  active: boolean;
}

export interface Charge {
  id: string;
  clientId: string;
  petId: string | null;
  petName: string | null;
  appointmentId: string | null;
  itemId: string;
  description: string;
  quantity: string;
  unitPriceMinor: string;
  taxRateBp: number;
  discountMinor: string;
  discountReason: string | null;
  netMinor: string;
  invoiceId: string | null;
  createdByName: string | null;
  createdAt: Date;
}

export interface NewCharge {
  clientId: string;
  petId: string | null;
  appointmentId: string | null;
  item: PriceItem;
  quantity: string;
  discountMinor: bigint;
  discountReason: string | null;
  netMinor: bigint;
  createdByName: string | null;
}

/** The party to an invoice as it was when the invoice was issued. */
export interface PartySnapshot {
  name: string;
  address: string | null;
  phone: string | null;
  email?: string | null;
}

export interface Invoice {
  id: string;
  clientId: string;
  clientName: string;
  kind: 'invoice' | 'credit_note';
  status: 'draft' | 'issued';
  series: string;
  number: number | null;
  creditsInvoiceId: string | null;
  creditedById: string | null;
  currency: string;
  issuedAt: Date | null;
  subtotalMinor: string;
  taxMinor: string;
  totalMinor: string;
  paidMinor: string;
  clientSnapshot: PartySnapshot | null;
  clinicSnapshot: PartySnapshot | null;
  createdAt: Date;
}

export interface InvoiceLine {
  position: number;
  chargeId: string | null;
  description: string;
  quantity: string;
  unitPriceMinor: string;
  taxRateBp: number;
  discountMinor: string;
  discountReason: string | null;
  netMinor: string;
}

export interface Payment {
  id: string;
  clientId: string;
  clientName: string;
  invoiceId: string | null;
  kind: 'payment' | 'refund';
  method: PaymentMethod;
  amountMinor: string;
  currency: string;
  reference: string | null;
  receivedAt: Date;
  recordedByName: string | null;
}

export interface ClinicBilling extends PartySnapshot {
  currency: string;
}

export interface ClientBrief extends PartySnapshot {
  id: string;
  balanceMinor: string;
}

/** The visit charges are added to. */
export interface VisitForCharges {
  id: string;
  clientId: string;
  clientName: string;
  petId: string;
  petName: string;
  typeName: string;
  status: string;
  startsAt: Date;
  defaultServiceId: string | null;
}

export interface Page<T> {
  data: T[];
  total: number;
}
