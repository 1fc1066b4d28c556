import { randomUUID } from 'node:crypto';
import type { FormErrors } from '../web/form-errors.js';
import { PAYMENT_METHODS } from './billing.types.js';

export type FormBody = Record<string, string | string[] | undefined>;

/** "INV-000042" once issued; null for a draft. */
export function invoiceNumber(i: { series: string; number: number | null }): string | null {
  return i.number === null ? null : `${i.series}-${String(i.number).padStart(6, '0')}`;
}

/**
 * The payment form: what was typed, what was wrong, and its form key. A refused form keeps
 * its key (sending it again once fixed records it once); after "already recorded" a new key
 * is handed out, so a deliberate second payment is a new form.
 */
export function paymentForm(values: FormBody = {}, error?: FormErrors) {
  const keep = typeof values.formKey === 'string' && error?.code !== 'payment_already_recorded';
  return {
    values: { kind: 'payment', ...values, formKey: keep ? values.formKey : randomUUID() },
    error,
    methods: PAYMENT_METHODS.map((m) => ({ value: m, selected: m === (values.method ?? 'card') })),
    kinds: ['payment', 'refund'].map((k) => ({
      value: k,
      selected: k === (values.kind ?? 'payment'),
    })),
  };
}
