import type { CheckDigitScheme, MrnFormat } from './patients.settings';

/** Luhn (mod 10) check digit of a digit string. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** ISO 7064 MOD 11-2 check character of a digit string ('0'-'9' or 'X'). */
export function mod11_2CheckDigit(digits: string): string {
  let p = 0;
  for (const char of digits) p = ((p + Number(char)) * 2) % 11;
  const check = (12 - (p % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

export function checkDigit(scheme: CheckDigitScheme, digits: string): string {
  if (scheme === 'luhn') return luhnCheckDigit(digits);
  if (scheme === 'mod11-2') return mod11_2CheckDigit(digits);
  return '';
}

/** The largest sequence number the format can hold. */
export function mrnCapacity(format: MrnFormat): number {
  return 10 ** format.digits - 1;
}

/** The MRN for sequence number `sequence` in `format`: prefix, zero-padded number, check digit. */
export function formatMrn(format: MrnFormat, sequence: number): string {
  const digits = String(sequence).padStart(format.digits, '0');
  return `${format.prefix}${digits}${checkDigit(format.checkDigit, digits)}`;
}

/** Whether `value` is well formed in `format` (prefix, length, check digit). */
export function isValidMrn(format: MrnFormat, value: string): boolean {
  if (!value.startsWith(format.prefix)) return false;
  const rest = value.slice(format.prefix.length);
  const checkLength = format.checkDigit === 'none' ? 0 : 1;
  if (rest.length !== format.digits + checkLength) return false;
  const digits = rest.slice(0, format.digits);
  if (!/^\d+$/.test(digits)) return false;
  return rest.slice(format.digits) === checkDigit(format.checkDigit, digits);
}
