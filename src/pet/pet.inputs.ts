import { z } from 'zod';
import { calendarDate, decimalComma } from '../common/validation.js';
import { SPECIES } from './species.js';

/**
 * Form and API input for clients and pets. Messages are catalog keys (`validation.*`):
 * pages translate them in the clinic's language, the API in English. Blank optional
 * fields become null (cleared); absent ones stay undefined (left alone by PATCH).
 */
const blankToNull = (v: unknown) =>
  typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v;

const requiredText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'validation.required' })
      .min(1, { error: 'validation.required' })
      .max(max, { error: 'validation.tooLong' }),
  );

const optionalText = (max: number) =>
  z.preprocess(
    blankToNull,
    z.string({ error: 'validation.text' }).max(max, { error: 'validation.tooLong' }).nullish(),
  );

const phone = z.preprocess(
  blankToNull,
  z
    .string({ error: 'validation.phone' })
    .regex(/^\+?[0-9 ().-]{6,30}$/, { error: 'validation.phone' })
    .refine((v) => v.replace(/\D/g, '').length >= 6, { error: 'validation.phone' })
    .nullish(),
);

const today = () => new Date().toISOString().slice(0, 10);
const pastDate = z.preprocess(
  blankToNull,
  calendarDate('validation.date')
    .refine((v) => v >= '1950-01-01', { error: 'validation.date' })
    .refine((v) => v <= today(), { error: 'validation.dateFuture' })
    .nullish(),
);

/** Chips are read aloud or scanned with spaces or dashes; stored as bare upper-case characters. */
const microchip = z.preprocess(
  (v) => (typeof v === 'string' ? v.replace(/[\s-]/g, '').toUpperCase() || null : v),
  z
    .string({ error: 'validation.microchip' })
    .regex(/^[0-9A-Z]{9,15}$/, { error: 'validation.microchip' })
    .nullish(),
);

/** Accepts "4,5" as well as "4.5": Spanish-speaking clinics type decimal commas. */
const weightKg = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const s = String(decimalComma(v));
    return s === '' ? null : Number(s);
  },
  z
    .number({ error: 'validation.weight' })
    .positive({ error: 'validation.weight' })
    .max(9999.99, { error: 'validation.weight' })
    .nullish(),
);

const checkbox = z.preprocess(
  (v) => (typeof v === 'string' ? ['on', 'true', '1', 'yes'].includes(v) : v),
  z.boolean({ error: 'validation.boolean' }).optional(),
);

export const clientFields = {
  firstName: requiredText(100),
  lastName: requiredText(100),
  email: z.preprocess(blankToNull, z.email({ error: 'validation.email' }).max(200).nullish()),
  phone,
  phoneAlt: phone,
  address: optionalText(300),
  notes: optionalText(2000),
  /** The language of messages to the client; empty: the clinic's. */
  locale: z.preprocess(
    blankToNull,
    z.enum(['en', 'es'], { error: 'validation.invalid' }).nullish(),
  ),
};
export const ClientInput = z.object(clientFields);
export const ClientPatch = ClientInput.partial();
export type ClientInput = z.output<typeof ClientInput>;
export type ClientPatch = z.output<typeof ClientPatch>;

export const petFields = {
  name: requiredText(100),
  species: z.enum(SPECIES, { error: 'validation.species' }),
  breed: optionalText(100),
  sex: z.enum(['male', 'female', 'unknown'], { error: 'validation.sex' }).default('unknown'),
  neutered: checkbox,
  dateOfBirth: pastDate,
  microchip,
  colour: optionalText(60),
  weightKg,
  alerts: optionalText(500),
  deceasedOn: pastDate,
};
export const PetInput = z.object(petFields);
export const PetPatch = z
  .object({ ...petFields, sex: petFields.sex.unwrap().optional() })
  .partial();
export type PetInput = z.output<typeof PetInput>;
export type PetPatch = z.output<typeof PetPatch>;

/** The API creates a pet for a client named in the body. */
export const ApiPetInput = PetInput.extend({
  clientId: z.uuid({ error: 'validation.clientId' }),
});

/** Booking's quick create: a new client and their first pet, `pet*` fields for the pet. */
export const QuickCreateInput = z.object({
  ...clientFields,
  petName: petFields.name,
  petSpecies: petFields.species,
  petSex: petFields.sex,
  petBreed: petFields.breed,
  petDateOfBirth: petFields.dateOfBirth,
  petMicrochip: petFields.microchip,
});
export type QuickCreateInput = z.output<typeof QuickCreateInput>;
