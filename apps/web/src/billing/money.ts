/**
 * Money on the billing desk: the server keeps integer minor units (cents); FHIR resources carry decimals.
 * Conversions go through the decimal text, never through floating-point multiplication.
 */

/** Minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD), as Intl knows them. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `12345, 'USD'` → `$123.45`; negative amounts keep their sign (`-$5.00`). */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const digits = minorDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const decimal = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  let formatted: string;
  try {
    formatted = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // A string keeps exact digits for amounts past 2^53 / 100.
    }).format(decimal as unknown as number);
  } catch {
    formatted = `${decimal} ${currency}`;
  }
  return negative ? `-${formatted}` : formatted;
}

/** A FHIR Money decimal (`150`, `80.5`) → minor units (`15000`, `8050`); undefined when not a plain decimal. */
export function decimalToMinor(value: number | string | undefined, currency: string): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  return parseAmountText(text, minorDigits(currency));
}

function parseAmountText(text: string, digits: number): number | undefined {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  // More digits than the currency has, unless they are zeros, is not an amount of money.
  if (fraction.length > digits && /[^0]/.test(fraction.slice(digits))) return undefined;
  const minor = Number(`${match[2]}${fraction.slice(0, digits).padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) return undefined;
  return match[1] ? -minor : minor;
}

/**
 * What a person typed in an amount field (`50`, `50.00`, `$1,250.5`) → positive minor units, or an error
 * in words for the field.
 */
export function parseAmountInput(
  text: string,
  currency: string,
): { ok: true; minor: number } | { ok: false; error: string } {
  const cleaned = text
    .trim()
    .replace(/^[$€£¥]/, '')
    .replace(/,/g, '');
  if (!cleaned) return { ok: false, error: 'Enter an amount' };
  const digits = minorDigits(currency);
  const minor = parseAmountText(cleaned, digits);
  if (minor === undefined)
    return {
      ok: false,
      error: digits ? `Enter an amount such as 50.00 (at most ${digits} decimals)` : 'Enter a whole amount such as 500',
    };
  if (minor <= 0) return { ok: false, error: 'The amount must be more than zero' };
  return { ok: true, minor };
}

/** Minor units → the text an amount field starts with (`5000, 'USD'` → `50.00`). */
export function minorToInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
}
