/** Column lists and small SQL builders shared by the client and pet services. */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CLIENT_COLUMNS = `c.id, c.first_name as "firstName", c.last_name as "lastName", c.email::text as email,
  c.phone, c.phone_alt as "phoneAlt", c.address, c.notes, c.created_at as "createdAt", c.updated_at as "updatedAt"`;

export const PET_COLUMNS = `p.id, p.client_id as "clientId", p.name, p.species, p.breed, p.sex, p.neutered,
  to_char(p.date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", p.microchip, p.colour,
  p.weight_kg::float8 as "weightKg", p.alerts, to_char(p.deceased_on, 'YYYY-MM-DD') as "deceasedOn",
  p.created_at as "createdAt", p.updated_at as "updatedAt"`;

export const CLIENT_COLUMN_NAMES = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  phoneAlt: 'phone_alt',
  address: 'address',
  notes: 'notes',
} as const;

export const PET_COLUMN_NAMES = {
  name: 'name',
  species: 'species',
  breed: 'breed',
  sex: 'sex',
  neutered: 'neutered',
  dateOfBirth: 'date_of_birth',
  microchip: 'microchip',
  colour: 'colour',
  weightKg: 'weight_kg',
  alerts: 'alerts',
  deceasedOn: 'deceased_on',
} as const;

/**
 * `col = $n` pairs for the fields present in `input` (undefined = leave alone), with their
 * parameters numbered from `firstParam`.
 */
export function assignments(
  input: Record<string, unknown>,
  columns: Record<string, string>,
  firstParam: number,
): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  for (const [field, column] of Object.entries(columns)) {
    if (input[field] === undefined) continue;
    params.push(input[field]);
    sql.push(`${column} = $${firstParam + params.length - 1}`);
  }
  return { sql, params };
}

/** Columns and `$n` placeholders for an insert of the present fields. */
export function insertion(
  input: Record<string, unknown>,
  columns: Record<string, string>,
  firstParam: number,
): { columns: string[]; placeholders: string[]; params: unknown[] } {
  const { sql, params } = assignments(input, columns, firstParam);
  return {
    columns: sql.map((s) => s.split(' = ')[0]),
    placeholders: sql.map((s) => s.split(' = ')[1]),
    params,
  };
}
