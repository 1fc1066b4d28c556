import { appError } from '../common/app-error.js';

/** Another checkout took some of these charges first (or they were never open). */
export class ChargesAlreadyInvoiced extends appError('charges_already_invoiced', 409, {
  message: 'Some of these charges are already on an invoice; reload to see what is still open.',
}) {}

/** Issued invoices are immutable: corrections are credit notes. */
export class InvoiceNotDraft extends appError('invoice_not_draft', 409, {
  message: 'This invoice is issued and cannot change; issue a credit note instead.',
}) {}

export class EmptyInvoice extends appError('invoice_empty', 422, {
  message: 'An invoice needs at least one charge.',
}) {}

export class AlreadyCredited extends appError('invoice_already_credited', 409, {
  message: 'This invoice already has a credit note.',
}) {}

export class NotCreditable extends appError('invoice_not_creditable', 409, {
  message: 'Only an issued invoice can be credited.',
}) {}

export class ChargeNotOpen extends appError('charge_not_open', 409, {
  message: 'This charge is on an invoice and can no longer be removed.',
}) {}

/** More than the client owes, and the desk did not say to keep the rest as credit. */
export class PaymentExceedsBalance extends appError('payment_exceeds_balance', 422, {
  message: 'The amount is more than the client owes; tick "keep the rest as credit" to accept it.',
  field: 'amount',
}) {}

export class RefundExceedsCredit extends appError('refund_exceeds_credit', 422, {
  message: 'A refund cannot be more than the client has in credit.',
  field: 'amount',
}) {}

/** The same payment form was sent twice: it was recorded once. */
export class PaymentAlreadyRecorded extends appError('payment_already_recorded', 409, {
  message: 'This payment was already recorded (the form was sent twice).',
}) {}

export class DiscountExceedsLine extends appError('discount_exceeds_line', 422, {
  message: 'The discount is larger than the line.',
  field: 'discount',
}) {}

export class PriceCodeTaken extends appError('price_code_taken', 409, {
  message: 'Another item of the price list has this code.',
  field: 'code',
}) {}

/** An amount with more decimals than the clinic's currency has. */
export class TooManyDecimals extends appError('too_many_decimals', 400) {
  constructor(field: string) {
    super(`The ${field} has more decimals than the currency allows.`);
    Object.defineProperty(this, 'field', { value: field });
  }
}
