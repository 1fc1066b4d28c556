import { TooManyDecimals } from './billing.errors.js';
import { minorDigits, parseDecimal } from '../common/money.js';

/** Typed amounts (already shape-checked by the forms) in the units billing stores. */
export const Amounts = {
  /** Minor units of the currency; more decimals than it has is refused, never rounded. */
  money(text: string, currency: string, field: string): bigint {
    const minor = parseDecimal(text, minorDigits(currency));
    if (minor === null) throw new TooManyDecimals(field);
    return minor;
  },

  /** A percentage with up to two decimals as basis points (21 % → 2100). */
  basisPoints(text: string, field: string): bigint {
    const bp = parseDecimal(text, 2);
    if (bp === null) throw new TooManyDecimals(field);
    return bp;
  },

  /** A quantity with up to two decimals, as hundredths, and as the numeric text stored. */
  quantity(text: string): { hundredths: bigint; text: string } {
    const hundredths = parseDecimal(text, 2);
    if (hundredths === null) throw new TooManyDecimals('quantity');
    return {
      hundredths,
      text: `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`,
    };
  },
};

/** What a SQLSTATE says, whether TypeORM wrapped the driver's error or not. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}
