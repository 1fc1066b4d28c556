import { describe, expect, it } from '@jest/globals';
import { lineNet, mulDivRound, parseDecimal, taxBands, toDecimalString } from './money.js';

describe('money in minor units', () => {
  it('reads typed amounts exactly and refuses more decimals than the currency has', () => {
    expect(parseDecimal('12', 2)).toBe(1200n);
    expect(parseDecimal('12,5', 2)).toBe(1250n);
    expect(parseDecimal('0.07', 2)).toBe(7n);
    expect(parseDecimal('12.345', 2)).toBeNull();
    expect(parseDecimal('-3', 2)).toBeNull();
    expect(parseDecimal('1e3', 2)).toBeNull();
  });

  it('rounds half away from zero, for refunds too', () => {
    expect(mulDivRound(5n, 1n, 10n)).toBe(1n);
    expect(mulDivRound(-5n, 1n, 10n)).toBe(-1n);
    expect(mulDivRound(4n, 1n, 10n)).toBe(0n);
  });

  it('prices a line from quantity, unit price and a discount by amount or percent', () => {
    const unitMinor = 1999n;
    expect(lineNet({ quantityHundredths: 250n, unitMinor, discount: null }).net).toBe(4998n);
    expect(lineNet({ quantityHundredths: 100n, unitMinor, discount: { minor: 499n } }).net).toBe(
      1500n,
    );
    expect(
      lineNet({ quantityHundredths: 100n, unitMinor, discount: { basisPoints: 1000n } }),
    ).toEqual({ gross: 1999n, discount: 200n, net: 1799n });
  });

  it('taxes each rate once on the sum of its lines (0.10 + 0.10 + 0.10 at 21 % is 0.06, not 0.03 × 3)', () => {
    const t = taxBands([
      { net: 10n, taxRateBp: 2100 },
      { net: 10n, taxRateBp: 2100 },
      { net: 10n, taxRateBp: 2100 },
      { net: 1000n, taxRateBp: 1000 },
    ]);
    expect(t.bands).toEqual([
      { rateBp: 1000, base: 1000n, tax: 100n },
      { rateBp: 2100, base: 30n, tax: 6n },
    ]);
    expect([t.subtotal, t.tax, t.total]).toEqual([1030n, 106n, 1136n]);
  });

  it('writes minor units back as a decimal string', () => {
    expect(toDecimalString(123456n, 2)).toBe('1234.56');
    expect(toDecimalString(-5n, 2)).toBe('-0.05');
    expect(toDecimalString(42n, 0)).toBe('42');
  });
});
