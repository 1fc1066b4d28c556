import { Foundation1732400000000 } from './1732400000000-foundation.js';

/** Every migration, in order. The schema's only source of truth (never `synchronize`). */
export const MIGRATIONS = [Foundation1732400000000];
