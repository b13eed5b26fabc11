import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoiceTotals, type LineInput } from './invoice.totals';

/**
 * Reference: the exact value as a fraction, rounded half to even by comparing twice the remainder with
 * the denominator after flooring toward minus infinity, written independently of money.ts.
 */
function referenceRound(numerator: bigint, denominator: bigint): bigint {
  const floor = numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
  const remainder2 = 2n * (numerator - floor * denominator);
  if (remainder2 < denominator) return floor;
  if (remainder2 > denominator) return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
}

function fraction(text: string): [bigint, bigint] {
  const [whole, decimals = ''] = text.split('.');
  return [BigInt(whole! + decimals), 10n ** BigInt(decimals.length)];
}

function referenceTotals(lines: LineInput[]) {
  let gross = 0n;
  let discount = 0n;
  let tax = 0n;
  for (const line of lines) {
    const [qn, qd] = fraction(String(line.quantity));
    const g = referenceRound(BigInt(line.unitPrice) * qn, qd);
    let d = 0n;
    if (line.discount?.percent) {
      const [pn, pd] = fraction(line.discount.percent);
      d = referenceRound(g * pn, pd);
    } else if (line.discount?.amount !== undefined) d = BigInt(line.discount.amount);
    if (d > g) d = g;
    const [rn, rd] = fraction(line.taxRate);
    gross += g;
    discount += d;
    tax += referenceRound((g - d) * rn, rd);
  }
  return { gross, discount, net: gross - discount, tax, total: gross - discount + tax };
}

const decimal = (max: number, places: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 10 ** places - 1 }))
    .map(([whole, fractionPart]) => `${whole}.${String(fractionPart).padStart(places, '0')}`);

const line: fc.Arbitrary<LineInput> = fc.record({
  unitPrice: fc.integer({ min: 0, max: 10_000_000 }),
  quantity: fc.oneof(fc.integer({ min: 1, max: 500 }).map(String), decimal(50, 3)),
  discount: fc.oneof(
    fc.constant(undefined),
    decimal(0, 4).map((percent) => ({ percent })),
    fc.integer({ min: 0, max: 2_000_000 }).map((amount) => ({ amount })),
  ),
  taxRate: fc.oneof(fc.constant('0'), decimal(0, 4), fc.constantFrom('0.0825', '0.2', '0.125', '0.05')),
});

describe('invoice totals', () => {
  it('equal an exact rational reference, line by line, for invoices with many lines, discounts and taxes', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 200 }), (lines) => {
        const computed = invoiceTotals(lines);
        const reference = referenceTotals(lines);
        expect(BigInt(computed.gross)).toBe(reference.gross);
        expect(BigInt(computed.discount)).toBe(reference.discount);
        expect(BigInt(computed.net)).toBe(reference.net);
        expect(BigInt(computed.tax)).toBe(reference.tax);
        expect(BigInt(computed.total)).toBe(reference.total);
        // The totals are exactly the sum of what the lines show.
        expect(computed.total).toBe(computed.lines.reduce((sum, l) => sum + l.total, 0));
        for (const l of computed.lines) {
          expect(l.net).toBe(l.gross - l.discount);
          expect(l.total).toBe(l.net + l.tax);
          expect(l.discount).toBeLessThanOrEqual(l.gross);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rounds ties to even', () => {
    // 0.5 cent of tax rounds down to 0, 1.5 up to 2, 2.5 down to 2.
    expect(invoiceTotals([{ unitPrice: 10, quantity: 1, taxRate: '0.05' }]).tax).toBe(0);
    expect(invoiceTotals([{ unitPrice: 30, quantity: 1, taxRate: '0.05' }]).tax).toBe(2);
    expect(invoiceTotals([{ unitPrice: 50, quantity: 1, taxRate: '0.05' }]).tax).toBe(2);
    // 99 × 2.5 = 247.5 → 248 (even); 101 × 1.5 = 151.5 → 152 (even).
    expect(invoiceTotals([{ unitPrice: 99, quantity: '2.5', taxRate: '0' }]).gross).toBe(248);
    expect(invoiceTotals([{ unitPrice: 101, quantity: '1.5', taxRate: '0' }]).gross).toBe(152);
  });
});
