import { z } from 'zod';
import { isUuid } from '../common/ids.js';
import { requiredText } from '../common/validation.js';
import { PAYMENT_METHODS } from './billing.types.js';

/** Billing's forms; messages are catalog keys. Amounts stay text here and become minor units in money.ts. */
const amount = (error: string) =>
  z
    .string({ error })
    .trim()
    .regex(/^\d{1,12}([.,]\d+)?$/, { error })
    .refine((v) => !/[.,]\d{3,}$/.test(v), { error: 'validation.tooManyDecimals' });
const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal(''), z.boolean()], {
    error: 'validation.invalid',
  })
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');
const uuid = (error: string) => z.string({ error }).refine(isUuid, { error });
const optionalUuid = (error: string) =>
  z
    .string({ error })
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || isUuid(v), { error });
const optionalText = (max: number) =>
  z
    .string({ error: 'validation.text' })
    .trim()
    .max(max, { error: 'validation.tooLong' })
    .optional()
    .transform((v) => v || null);

export const PriceItemForm = z.object({
  id: optionalUuid('validation.invalid'),
  kind: z.enum(['service', 'product'], { error: 'validation.choose' }),
  code: requiredText(30, 'validation.priceCode'),
  name: requiredText(120, 'validation.priceName'),
  unitPrice: amount('validation.money'),
  taxRate: amount('validation.taxRate').refine((v) => Number(v.replace(',', '.')) <= 100, {
    error: 'validation.taxRate',
  }),
  active: checkbox,
});
export type PriceItemForm = z.output<typeof PriceItemForm>;

export const TypeServiceForm = z.object({
  typeId: uuid('validation.choose'),
  serviceId: optionalUuid('validation.choose'),
});

export const ChargeForm = z
  .object({
    itemId: uuid('validation.priceItem'),
    quantity: amount('validation.quantity').refine((v) => /[1-9]/.test(v), {
      error: 'validation.quantity',
    }),
    discountType: z
      .enum(['none', 'amount', 'percent'], { error: 'validation.choose' })
      .default('none'),
    discount: z.string({ error: 'validation.money' }).trim().optional().default(''),
    discountReason: optionalText(200),
  })
  .superRefine((c, ctx) => {
    if (c.discountType === 'none') return;
    const pattern = /^\d{1,12}([.,]\d{1,2})?$/;
    if (!pattern.test(c.discount) || !/[1-9]/.test(c.discount))
      ctx.addIssue({ code: 'custom', path: ['discount'], message: 'validation.discount' });
    else if (c.discountType === 'percent' && Number(c.discount.replace(',', '.')) > 100)
      ctx.addIssue({ code: 'custom', path: ['discount'], message: 'validation.discount' });
    if (!c.discountReason)
      ctx.addIssue({
        code: 'custom',
        path: ['discountReason'],
        message: 'validation.discountReason',
      });
  });
export type ChargeForm = z.output<typeof ChargeForm>;

/** A charge through the API: for a visit, or for a pet outside one. */
export const ChargeInput = ChargeForm.and(
  z
    .object({
      appointmentId: optionalUuid('validation.appointment'),
      petId: optionalUuid('validation.pet'),
    })
    .refine((v) => Boolean(v.appointmentId) !== Boolean(v.petId), {
      path: ['appointmentId'],
      error: 'validation.appointmentOrPet',
    }),
);

export const CheckoutForm = z.object({
  chargeIds: z
    .union([z.string(), z.array(z.string())], { error: 'validation.chooseCharges' })
    .transform((v) => [...new Set([v].flat())])
    .refine((ids) => ids.length > 0 && ids.every(isUuid), { error: 'validation.chooseCharges' }),
  action: z.enum(['draft', 'issue'], { error: 'validation.invalid' }).default('issue'),
});

export const PaymentForm = z.object({
  amount: amount('validation.money').refine((v) => /[1-9]/.test(v), { error: 'validation.money' }),
  method: z.enum(PAYMENT_METHODS, { error: 'validation.choose' }),
  kind: z.enum(['payment', 'refund'], { error: 'validation.choose' }).default('payment'),
  invoiceId: optionalUuid('validation.invalid'),
  reference: optionalText(200),
  asCredit: checkbox,
  /** One per rendered form: the same form sent twice records one payment. */
  formKey: optionalUuid('validation.invalid'),
});
export type PaymentForm = z.output<typeof PaymentForm>;

export const PaymentInput = PaymentForm.extend({ clientId: uuid('validation.clientId') });
