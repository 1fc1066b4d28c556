import type { Species } from './species.js';

/* What the pet module's queries take and return: clients (owners) and pets (patients). */

/** The fields of the client and pet forms; each is its column in snake case. */
export const CLIENT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'phoneAlt',
  'address',
  'notes',
  'locale',
] as const;
export const PET_FIELDS = [
  'name',
  'species',
  'breed',
  'sex',
  'neutered',
  'dateOfBirth',
  'microchip',
  'colour',
  'weightKg',
  'alerts',
  'deceasedOn',
] as const;

export interface ClientRecord {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  phoneAlt: string | null;
  address: string | null;
  notes: string | null;
  /** The language of messages to this client; null: the clinic's. */
  locale: 'en' | 'es' | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClientListItem {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  petNames: string | null;
}

export interface PetRecord {
  id: string;
  clientId: string;
  name: string;
  species: Species;
  breed: string | null;
  sex: 'male' | 'female' | 'unknown';
  neutered: boolean;
  dateOfBirth: string | null;
  microchip: string | null;
  colour: string | null;
  weightKg: number | null;
  alerts: string | null;
  deceasedOn: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PetOwner {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  /** Owes the clinic money (billing's balance): shown at the desk. */
  owesMoney: boolean;
}

/** One row of the search box's union (clients and pets). */
export interface SearchRow {
  kind: 'client' | 'pet';
  id: string;
  client_id: string;
  label: string;
  owner: string | null;
  phone: string | null;
  email: string | null;
  microchip: string | null;
  species: string | null;
  deceased: boolean;
  alerts: string | null;
}
