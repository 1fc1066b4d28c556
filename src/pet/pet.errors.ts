import { appError } from '../common/app-error.js';

/** Another pet of this clinic already carries the microchip (unique per clinic). */
export class MicrochipTaken extends appError('microchip_taken', 409, {
  message: 'Another pet of this clinic already has this microchip',
}) {
  /** The form field that holds the chip (`petMicrochip` in the booking's quick create). */
  constructor(override readonly field = 'microchip') {
    super();
  }
}
