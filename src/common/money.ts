/**
 * Money is integer minor units (bigint) in the clinic's currency; quantities are hundredths.
 * Nothing here goes through a float, so sums and taxes are exact and rounding happens once,
 * half away from zero, where the bookkeeper expects it (a line's amount, a rate's tax).
 */

/** Digits after the decimal point of a currency (2 for EUR, MXN, USD; 0 for JPY). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

/**
 * A typed amount ("12", "12.5", "12,50") as minor units, or null when it is not a
 * non-negative amount with at most `digits` decimals (too many decimals is refused, never rounded).
 */
export function parseDecimal(text: string, digits: number): bigint | null {
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return BigInt(match[1] + fraction.padEnd(digits, '0'));
}

/** a × b / d, rounded half away from zero. */
export function mulDivRound(a: bigint, b: bigint, d: bigint): bigint {
  const n = a * b;
  const sign = n < 0n !== d < 0n ? -1n : 1n;
  const [an, ad] = [n < 0n ? -n : n, d < 0n ? -d : d];
  return sign * ((an * 2n + ad) / (ad * 2n));
}

/** Minor units as a plain decimal string ("-12.34"), exact, for Intl and for the API. */
export function toDecimalString(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const digitsText = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = digitsText.slice(0, digitsText.length - digits);
  const fraction = digits ? `.${digitsText.slice(-digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A line before tax: quantity (hundredths) × unit price, less a discount (amount or basis points). */
export function lineNet(line: {
  quantityHundredths: bigint;
  unitMinor: bigint;
  discount: { minor: bigint } | { basisPoints: bigint } | null;
}): { gross: bigint; discount: bigint; net: bigint } {
  const gross = mulDivRound(line.quantityHundredths, line.unitMinor, 100n);
  const d = line.discount;
  const discount = !d ? 0n : 'minor' in d ? d.minor : mulDivRound(gross, d.basisPoints, 10000n);
  return { gross, discount, net: gross - discount };
}

export interface TaxBand {
  rateBp: number;
  base: bigint;
  tax: bigint;
}

/** Tax per rate: each rate's base summed first, then taxed and rounded once. */
export function taxBands(lines: { net: bigint; taxRateBp: number }[]): {
  bands: TaxBand[];
  subtotal: bigint;
  tax: bigint;
  total: bigint;
} {
  const bases = new Map<number, bigint>();
  for (const l of lines) bases.set(l.taxRateBp, (bases.get(l.taxRateBp) ?? 0n) + l.net);
  const bands = [...bases]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, base]) => ({ rateBp, base, tax: mulDivRound(base, BigInt(rateBp), 10000n) }));
  const subtotal = bands.reduce((s, b) => s + b.base, 0n);
  const tax = bands.reduce((s, b) => s + b.tax, 0n);
  return { bands, subtotal, tax, total: subtotal + tax };
}
