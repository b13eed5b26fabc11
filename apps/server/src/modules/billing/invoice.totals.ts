import { parseDecimal, roundHalfEven } from './money';

/**
 * Invoice arithmetic, in integer minor units. The rule: every line is rounded on its own, half to even,
 * at three points — its gross (unit price × quantity), its discount (a percentage of the gross, or a
 * fixed amount up to the gross) and its tax (the rate × the net after discount). The invoice's totals
 * are the exact sums of its lines, so a total always equals what its lines show.
 */
export interface LineInput {
  /** Minor units per unit. */
  unitPrice: number;
  /** Decimal text or number, at most three decimals. */
  quantity: number | string;
  /** A rate such as "0.10", or a fixed amount in minor units. */
  discount?: { percent?: string | undefined; amount?: number | undefined } | undefined;
  /** Decimal text, e.g. "0.0825". */
  taxRate: string;
}

export interface LineTotals {
  gross: number;
  discount: number;
  net: number;
  tax: number;
  total: number;
}

export interface InvoiceTotals {
  lines: LineTotals[];
  gross: number;
  discount: number;
  /** FHIR Invoice.totalNet: after discounts, before tax. */
  net: number;
  tax: number;
  /** FHIR Invoice.totalGross: what is owed, tax included. */
  total: number;
}

function rational(value: number | string, what: string) {
  const parsed = parseDecimal(value);
  if (!parsed) throw new Error(`${what} is not a decimal`);
  return parsed;
}

export function lineTotals(line: LineInput): LineTotals {
  const quantity = rational(line.quantity, 'quantity');
  const gross = roundHalfEven(BigInt(line.unitPrice) * quantity.n, quantity.d);
  let discount = 0n;
  if (line.discount?.percent !== undefined) {
    const rate = rational(line.discount.percent, 'discount');
    discount = roundHalfEven(gross * rate.n, rate.d);
  } else if (line.discount?.amount !== undefined) {
    discount = BigInt(line.discount.amount);
  }
  // A discount never exceeds the line (on a credit line, never below it).
  if (gross >= 0n ? discount > gross : discount < gross) discount = gross;
  const net = gross - discount;
  const rate = rational(line.taxRate, 'tax rate');
  const tax = roundHalfEven(net * rate.n, rate.d);
  return {
    gross: Number(gross),
    discount: Number(discount),
    net: Number(net),
    tax: Number(tax),
    total: Number(net + tax),
  };
}

export function invoiceTotals(lines: LineInput[]): InvoiceTotals {
  const computed = lines.map(lineTotals);
  const sum = (key: keyof LineTotals) => Number(computed.reduce((total, line) => total + BigInt(line[key]), 0n));
  return {
    lines: computed,
    gross: sum('gross'),
    discount: sum('discount'),
    net: sum('net'),
    tax: sum('tax'),
    total: sum('total'),
  };
}
