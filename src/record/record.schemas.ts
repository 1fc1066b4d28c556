import { z } from 'zod';
import { isUuid } from '../common/ids.js';
import { calendarDate, decimalComma, positiveInt, requiredText } from '../common/validation.js';

/** Messages are catalog keys (`validation.*`): pages show them in the clinic's language. */
const text = (max: number) =>
  z
    .string({ error: 'validation.text' })
    .trim()
    .max(max, { error: 'validation.tooLong' })
    .optional()
    .transform((v) => v ?? '');
const optionalNumber = (min: number, max: number, error: string) =>
  z
    .preprocess(
      decimalComma,
      z.union([z.literal(''), z.coerce.number({ error }).min(min, { error }).max(max, { error })], {
        error,
      }),
    )
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

/** The record form: SOAP notes and vitals. Temperatures are °C; weight keeps its unit. */
export const recordFormSchema = z
  .object({
    summary: requiredText(200, 'validation.recordSummary'),
    subjective: text(20000),
    objective: text(20000),
    assessment: text(20000),
    plan: text(20000),
    weightValue: optionalNumber(0.01, 99999, 'validation.weightAboveZero'),
    weightUnit: z.enum(['kg', 'lb'], { error: 'validation.invalid' }).default('kg'),
    temperatureC: optionalNumber(20, 50, 'validation.temperature'),
    heartRate: optionalNumber(1, 600, 'validation.heartRate').refine(
      (v) => v === null || Number.isInteger(v),
      { error: 'validation.heartRateWhole' },
    ),
    respiratoryRate: optionalNumber(1, 300, 'validation.respiratoryRate').refine(
      (v) => v === null || Number.isInteger(v),
      { error: 'validation.respiratoryRateWhole' },
    ),
    appointmentId: z
      .string({ error: 'validation.appointment' })
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || isUuid(v), { error: 'validation.appointment' }),
    version: positiveInt().optional(),
  })
  .transform((r) => ({
    ...r,
    weightKg:
      r.weightValue === null
        ? null
        : Math.round((r.weightUnit === 'lb' ? r.weightValue * 0.45359237 : r.weightValue) * 1000) /
          1000,
  }));
export type RecordForm = z.output<typeof recordFormSchema>;

export const addendumSchema = z.object({
  body: requiredText(20000, 'validation.addendum'),
});

const isoDate = calendarDate('validation.date');

export const vaccinationSchema = z
  .object({
    givenOn: isoDate,
    product: requiredText(200, 'validation.vaccineProduct'),
    batch: requiredText(100, 'validation.vaccineBatch'),
    nextDueOn: z
      .union([z.literal(''), isoDate], { error: 'validation.date' })
      .optional()
      .transform((v) => (v ? v : null)),
  })
  .refine((v) => v.nextDueOn === null || v.nextDueOn > v.givenOn, {
    path: ['nextDueOn'],
    error: 'validation.nextDoseAfterGiven',
  });
export type VaccinationForm = z.output<typeof vaccinationSchema>;
