import { decimalInput } from '../common/validation.js';
import { SPECIES } from './species.js';
import { CLIENT_FIELDS, type ClientRecord, PET_FIELDS, type PetRecord } from './pet.types.js';

/** What a form shows: the user's text as typed, or the record's values as text. */
export type FormValues = Record<string, string>;

export function clientFormValues(c: ClientRecord): FormValues {
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email ?? '',
    phone: c.phone ?? '',
    phoneAlt: c.phoneAlt ?? '',
    address: c.address ?? '',
    notes: c.notes ?? '',
    locale: c.locale ?? '',
  };
}

export function petFormValues(p: PetRecord, locale: string): FormValues {
  return {
    name: p.name,
    species: p.species,
    breed: p.breed ?? '',
    sex: p.sex,
    neutered: p.neutered ? 'on' : '',
    dateOfBirth: p.dateOfBirth ?? '',
    microchip: p.microchip ?? '',
    colour: p.colour ?? '',
    weightKg: decimalInput(locale, p.weightKg),
    alerts: p.alerts ?? '',
    deceasedOn: p.deceasedOn ?? '',
  };
}

/** Keeps only string fields of a posted form (and drops the CSRF token). */
export function postedValues(body: unknown): FormValues {
  const values: FormValues = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (typeof v === 'string' && k !== '_csrf') values[k] = v;
  return values;
}

/** A posted client form: a field left out is a field left empty (the page sends them all). */
export function clientFormInput(values: FormValues): Record<string, unknown> {
  return { ...blanks(CLIENT_FIELDS), ...values };
}

/** A posted pet form: an unticked checkbox is not sent, and means "no". */
export function petFormInput(values: FormValues): Record<string, unknown> {
  return {
    ...blanks(PET_FIELDS),
    sex: 'unknown',
    ...values,
    neutered: values.neutered === 'on',
  };
}

function blanks(fields: readonly string[]): FormValues {
  return Object.fromEntries(fields.map((k) => [k, '']));
}

export function petSelects(values: FormValues) {
  return {
    speciesOptions: SPECIES.map((s) => ({ value: s, selected: values.species === s })),
    sexOptions: (['unknown', 'female', 'male'] as const).map((s) => ({
      value: s,
      selected: (values.sex || 'unknown') === s,
    })),
  };
}

/** Age in whole years and months for the pet page, from an ISO date. */
export function ageOf(dateOfBirth: string | null, now = new Date()) {
  if (!dateOfBirth) return null;
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  let months = (now.getUTCFullYear() - y) * 12 + (now.getUTCMonth() + 1 - m);
  if (now.getUTCDate() < d) months -= 1;
  return { years: Math.floor(months / 12), months: months % 12 };
}

/**
 * A calendar date as an instant at noon UTC, so formatDate shows the same day in every
 * clinic time zone (midnight UTC is the previous evening in the Americas).
 */
export function calendarDate(iso: string | null): Date | null {
  return iso ? new Date(`${iso}T12:00:00Z`) : null;
}

/**
 * The next vaccination due: for each product its latest dose's next-due date, the earliest
 * of those (overdue ones included), or null when none is planned.
 */
export function nextVaccinationDue(
  vaccinations: { product: string; givenOn: string; nextDueOn: string | null }[],
): { product: string; on: string } | null {
  const latest = new Map<string, { givenOn: string; nextDueOn: string | null }>();
  for (const v of vaccinations) {
    const key = v.product.trim().toLowerCase();
    const seen = latest.get(key);
    if (!seen || v.givenOn > seen.givenOn) latest.set(key, v);
  }
  const due = [...latest.entries()]
    .filter(([, v]) => v.nextDueOn)
    .map(([, v]) => v)
    .sort((a, b) => a.nextDueOn!.localeCompare(b.nextDueOn!))[0];
  if (!due) return null;
  const product = vaccinations.find((v) => v.nextDueOn === due.nextDueOn)!.product;
  return { product, on: due.nextDueOn! };
}
