import { z } from 'zod';
import { isUuid } from '../common/ids.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => v ?? '');
const optionalNumber = (min: number, max: number, message: string) =>
  z
    .union([z.literal(''), z.coerce.number().min(min, message).max(max, message)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

/** The record form: SOAP notes and vitals. Temperatures are °C; weight keeps its unit. */
export const recordFormSchema = z
  .object({
    summary: z.string().trim().min(1, 'Say in a few words what the visit was for').max(200),
    subjective: text(20000),
    objective: text(20000),
    assessment: text(20000),
    plan: text(20000),
    weightValue: optionalNumber(0.01, 99999, 'Enter a weight above 0'),
    weightUnit: z.enum(['kg', 'lb']).default('kg'),
    temperatureC: optionalNumber(20, 50, 'Enter a temperature between 20 and 50 °C'),
    heartRate: optionalNumber(1, 600, 'Enter beats per minute between 1 and 600').refine(
      (v) => v === null || Number.isInteger(v),
      'Whole beats per minute',
    ),
    respiratoryRate: optionalNumber(1, 300, 'Enter breaths per minute between 1 and 300').refine(
      (v) => v === null || Number.isInteger(v),
      'Whole breaths per minute',
    ),
    appointmentId: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || isUuid(v), 'Not an appointment of this clinic'),
    version: z.coerce.number().int().min(1).optional(),
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
  body: z.string().trim().min(1, 'Write the correction or addition').max(20000),
});

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'Enter a real date');

export const vaccinationSchema = z
  .object({
    givenOn: isoDate,
    product: z.string().trim().min(1, 'Enter the vaccine product').max(200),
    batch: z.string().trim().min(1, 'Enter the batch number').max(100),
    nextDueOn: z
      .union([z.literal(''), isoDate])
      .optional()
      .transform((v) => (v ? v : null)),
  })
  .refine((v) => v.nextDueOn === null || v.nextDueOn > v.givenOn, {
    path: ['nextDueOn'],
    message: 'The next dose is due after the date given',
  });
export type VaccinationForm = z.output<typeof vaccinationSchema>;
