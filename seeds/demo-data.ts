import type { Species } from '../src/pet/species.js';
import type { StaffKind } from '../src/staff/staff.queries.js';

/** Seed 002's clinic table: the demo data. Counts are clients / pets / staff. */
export const DEMO_COMPANIES = [
  { slug: 'grupo-vetsalud', name: 'Grupo VetSalud' },
  { slug: 'deluxe-pet-care', name: 'Deluxe Pet Care' },
  { slug: 'vetgroom', name: 'VetGroom' },
] as const;

export interface DemoClinic {
  name: string;
  company: (typeof DEMO_COMPANIES)[number]['slug'];
  timeZone: string;
  locale: 'en' | 'es';
  /** ISO 4217: what its price list and invoices are in. */
  currency: 'EUR' | 'MXN' | 'USD';
  clients: number;
  pets: number;
  staff: Partial<Record<StaffKind, number>>;
  /** Monthly appointment volume from seed 002 (seeded by the scheduling issue). */
  appointments: number;
}

export const DEMO_CLINICS: DemoClinic[] = [
  {
    name: 'Hospital Veterinario Norte',
    company: 'grupo-vetsalud',
    timeZone: 'America/Monterrey',
    currency: 'MXN',
    locale: 'es',
    clients: 16,
    pets: 24,
    appointments: 356,
    staff: { manager: 1, vet: 5, nurse: 4, front_desk: 3, groomer: 1 },
  },
  {
    name: 'Pet Spa Deluxe',
    company: 'deluxe-pet-care',
    timeZone: 'America/New_York',
    currency: 'USD',
    locale: 'en',
    clients: 26,
    pets: 55,
    appointments: 351,
    staff: { manager: 1, vet: 3, nurse: 2, front_desk: 4, groomer: 4 },
  },
  {
    name: 'Clínica Veterinaria Centro',
    company: 'grupo-vetsalud',
    timeZone: 'Europe/Madrid',
    currency: 'EUR',
    locale: 'es',
    clients: 16,
    pets: 24,
    appointments: 351,
    staff: { manager: 1, vet: 5, nurse: 4, front_desk: 3, groomer: 1 },
  },
  {
    name: 'Vetgroom1',
    company: 'vetgroom',
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    locale: 'en',
    clients: 108,
    pets: 216,
    appointments: 129,
    staff: { manager: 1, vet: 2, nurse: 1, front_desk: 1, groomer: 2 },
  },
  {
    name: 'VetGroom Central',
    company: 'vetgroom',
    timeZone: 'America/Chicago',
    currency: 'USD',
    locale: 'en',
    clients: 10,
    pets: 12,
    appointments: 8,
    staff: { manager: 1, vet: 1, front_desk: 1, groomer: 1 },
  },
];

export const DEMO_PASSWORD = 'vetlane-demo';

export const NAMES = {
  es: {
    first: [
      'Lucía',
      'Mateo',
      'Sofía',
      'Hugo',
      'Martina',
      'Leo',
      'Valeria',
      'Daniel',
      'Paula',
      'Alejandro',
      'Elena',
      'Pablo',
      'Carmen',
      'Javier',
      'Sara',
      'Diego',
      'Ana',
      'Andrés',
      'Isabel',
      'Manuel',
      'Julia',
      'Adrián',
      'Noelia',
      'Álvaro',
    ],
    last: [
      'García',
      'Fernández',
      'González',
      'Rodríguez',
      'López',
      'Martínez',
      'Sánchez',
      'Pérez',
      'Gómez',
      'Martín',
      'Jiménez',
      'Ruiz',
      'Hernández',
      'Díaz',
      'Moreno',
      'Muñoz',
      'Álvarez',
      'Romero',
      'Navarro',
      'Torres',
      'Domínguez',
      'Vázquez',
      'Ramos',
      'Castillo',
    ],
    streets: [
      'Calle Mayor',
      'Avenida de la Constitución',
      'Calle del Sol',
      'Paseo de la Reforma',
      'Calle Hidalgo',
      'Avenida Juárez',
      'Calle Alcalá',
      'Calle Serrano',
    ],
  },
  en: {
    first: [
      'Emily',
      'James',
      'Olivia',
      'Noah',
      'Ava',
      'Liam',
      'Mia',
      'Ethan',
      'Harper',
      'Lucas',
      'Grace',
      'Henry',
      'Chloe',
      'Jack',
      'Zoe',
      'Owen',
      'Lily',
      'Caleb',
      'Nora',
      'Ryan',
      'Ella',
      'Wyatt',
      'Hannah',
      'Isaac',
    ],
    last: [
      'Smith',
      'Johnson',
      'Williams',
      'Brown',
      'Jones',
      'Miller',
      'Davis',
      'Wilson',
      'Anderson',
      'Taylor',
      'Thomas',
      'Moore',
      'Martin',
      'Jackson',
      'Thompson',
      'White',
      'Harris',
      'Clark',
      'Lewis',
      'Walker',
      'Young',
      'King',
      'Wright',
      'Scott',
    ],
    streets: [
      'Maple Street',
      'Oak Avenue',
      'Pine Road',
      'Cedar Lane',
      'Elm Street',
      'Lakeview Drive',
      'Sunset Boulevard',
      'Park Avenue',
    ],
  },
} as const;

export const FEMALE_ES = [
  'Lucía',
  'Sofía',
  'Martina',
  'Valeria',
  'Paula',
  'Elena',
  'Carmen',
  'Sara',
  'Ana',
  'Isabel',
  'Julia',
  'Noelia',
] as const;

export const PET_NAMES = [
  'Luna',
  'Max',
  'Coco',
  'Rocky',
  'Bella',
  'Simba',
  'Nala',
  'Toby',
  'Lola',
  'Milo',
  'Kira',
  'Thor',
  'Canela',
  'Chispa',
  'Daisy',
  'Oliver',
  'Pelusa',
  'Bruno',
  'Misha',
  'Zeus',
  'Frida',
  'Duke',
  'Mora',
  'Rex',
  'Sasha',
  'Pancho',
  'Gizmo',
  'Pepper',
  'Cleo',
  'Loki',
];

/** Species with their relative frequency in a small-animal practice and common breeds. */
export const SPECIES_BREEDS: {
  species: Species;
  weight: number;
  breeds: string[];
  kg: [number, number];
}[] = [
  {
    species: 'dog',
    weight: 55,
    breeds: [
      'Labrador Retriever',
      'French Bulldog',
      'German Shepherd',
      'Golden Retriever',
      'Chihuahua',
      'Beagle',
      'Dachshund',
      'Poodle',
      'Yorkshire Terrier',
      'Border Collie',
      'Mixed breed',
    ],
    kg: [2, 40],
  },
  {
    species: 'cat',
    weight: 33,
    breeds: [
      'Domestic Shorthair',
      'Siamese',
      'Maine Coon',
      'Persian',
      'British Shorthair',
      'Bengal',
      'Mixed breed',
    ],
    kg: [2.5, 7],
  },
  {
    species: 'rabbit',
    weight: 5,
    breeds: ['Holland Lop', 'Netherland Dwarf', 'Mini Rex'],
    kg: [1, 3],
  },
  { species: 'guinea_pig', weight: 2, breeds: ['American', 'Abyssinian'], kg: [0.7, 1.2] },
  { species: 'bird', weight: 3, breeds: ['Budgerigar', 'Cockatiel', 'Canary'], kg: [0.03, 0.4] },
  { species: 'ferret', weight: 1, breeds: ['Standard'], kg: [0.7, 2] },
  { species: 'reptile', weight: 1, breeds: ['Bearded Dragon', 'Leopard Gecko'], kg: [0.05, 0.5] },
];

export const COLOURS = [
  'black',
  'white',
  'brown',
  'golden',
  'grey',
  'tabby',
  'tricolour',
  'cream',
  'brindle',
];
export const ALERTS = [
  'Bites — muzzle before handling',
  'Anxious with other animals',
  'Allergic to penicillin',
  'Diabetic — insulin twice daily',
  'Heart murmur',
];
