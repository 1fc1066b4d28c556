import { AppError } from '../common/app-error.js';

/** Another pet of this clinic already carries the microchip (unique per clinic). */
export class MicrochipTaken extends AppError {
  readonly code = 'microchip_taken';
  readonly status = 409;
  /** The form field that holds the chip (`petMicrochip` in the booking's quick create). */
  constructor(override readonly field = 'microchip') {
    super('Another pet of this clinic already has this microchip');
  }
}

/** Postgres unique violation (SQLSTATE, not the constraint name: Citus errors carry none). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}
