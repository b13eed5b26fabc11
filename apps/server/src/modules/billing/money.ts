/**
 * Money in integer minor units. FHIR carries amounts as decimals (`Money.value`) and rates as decimals
 * (`factor`); both are parsed from their decimal text into exact integers or rationals, never through
 * floating-point arithmetic.
 */

/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** An exact rational: numerator / denominator, denominator > 0. */
export interface Rational {
  n: bigint;
  d: bigint;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal (number or text) exactly; undefined when it is not a plain decimal. */
export function parseDecimal(value: number | string): Rational | undefined {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  if (text === undefined) return undefined;
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  const n = BigInt(`${match[2]}${fraction}`) * (match[1] ? -1n : 1n);
  return { n, d: 10n ** BigInt(fraction.length) };
}

/** A JS number's shortest decimal text (no exponent); undefined for non-finite or huge values. */
function numberText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (Math.abs(value) >= 1) return undefined;
  return value.toFixed(20).replace(/0+$/, '');
}

/**
 * Rounds n/d to an integer, half to even (banker's rounding): exact for any size, the rule every
 * amount Meridian computes follows.
 */
export function roundHalfEven(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new Error('denominator must be positive');
  let q = n / d; // truncates toward zero
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  // Now n = q*d + r with 0 <= r < d.
  const twice = 2n * r;
  if (twice > d || (twice === d && q % 2n !== 0n)) q += 1n;
  return q;
}

/** A decimal amount of `currency` in minor units; undefined when it has more decimals than the currency. */
export function toMinor(value: number | string, currency: string): number | undefined {
  const parsed = parseDecimal(value);
  if (!parsed) return undefined;
  const scale = 10n ** BigInt(exponentOf(currency));
  const scaled = parsed.n * scale;
  if (scaled % parsed.d !== 0n) return undefined;
  const minor = scaled / parsed.d;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(minor);
}

/** Minor units as a FHIR decimal (a JSON number with the currency's decimals). */
export function fromMinor(minor: number, currency: string): number {
  const exponent = exponentOf(currency);
  return Number(formatMinor(minor, currency, exponent));
}

/** Minor units as decimal text with exactly the currency's decimals (e.g. 1234 USD → "12.34"). */
export function formatMinor(minor: number, currency: string, exponent = exponentOf(currency)): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = exponent ? digits.slice(0, -exponent) : digits;
  const text = exponent ? `${whole}.${digits.slice(-exponent)}` : whole;
  return negative ? `-${text}` : text;
}

export function isMinorAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
