/** The species a pet may be (the `pets.species` check constraint lists the same). */
export const SPECIES = [
  'dog',
  'cat',
  'rabbit',
  'bird',
  'ferret',
  'guinea_pig',
  'hamster',
  'reptile',
  'horse',
  'other',
] as const;
export type Species = (typeof SPECIES)[number];
