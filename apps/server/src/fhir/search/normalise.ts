/**
 * Turning FHIR values and search values into the forms the index stores and compares: folded strings,
 * date ranges and number ranges implied by the precision the value was written with.
 */

/** Index columns are btree-indexed; very long values are cut so an index row always fits. */
export const MAX_INDEXED_LENGTH = 1000;

/** Lower case with accents removed: what a default string search and `:contains` compare. */
export function foldString(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .slice(0, MAX_INDEXED_LENGTH);
}

/**
 * A phone number as `phone` searches compare it: its digits, the last ten at most (so `+1 555 010 0199`,
 * `(555) 010-0199` and `5550100199` meet). Undefined for values with fewer than seven digits.
 */
export function phoneDigits(value: string): string | undefined {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : undefined;
}

/** The search parameters whose token values are phone numbers (ContactPoint where system = phone). */
export const PHONE_PARAMS = new Set(['phone']);

/** A half-open range [low, high) of instants (ISO strings); undefined ends are open. */
export interface DateRange {
  low?: string;
  high?: string;
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The range a date, dateTime or instant covers at the precision it was written with:
 * `2020-03` is [2020-03-01T00:00Z, 2020-04-01T00:00Z). Values without a time zone are taken as UTC.
 */
export function dateRange(value: string): DateRange | undefined {
  const match = DATE_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  if (month > 11 || day < 1 || day > 31) return undefined;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const start = Date.UTC(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  if (Number.isNaN(start)) return undefined;
  const low = new Date(start);
  let high: Date;
  if (!mo) high = new Date(Date.UTC(year + 1, 0, 1));
  else if (!d) high = new Date(Date.UTC(year, month + 1, 1));
  else if (!h) high = new Date(Date.UTC(year, month, day + 1));
  else if (!s) high = new Date(start + 60_000);
  else if (!fraction) high = new Date(start + 1000);
  else high = new Date(start + Math.max(1, 10 ** (3 - Math.min(fraction.length, 3))));
  if (d && low.getUTCDate() !== day && !h) return undefined;
  return { low: low.toISOString(), high: high.toISOString() };
}

/** A decimal with the range its precision implies: `100` is [99.5, 100.5), `1.50` is [1.495, 1.505). */
export interface NumberRange {
  value: string;
  low: string;
  high: string;
}

const NUMBER_PATTERN = /^[+-]?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export function numberRange(text: string): NumberRange | undefined {
  const trimmed = text.trim();
  const match = NUMBER_PATTERN.exec(trimmed);
  if (!match) return undefined;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return undefined;
  const decimals = (match[2]?.length ?? 0) - Number(match[3] ?? 0);
  const half = 0.5 * 10 ** -decimals;
  const digits = Math.max(0, decimals + 1);
  const fixed = (n: number) => (digits > 20 ? String(n) : n.toFixed(digits));
  return { value: String(value), low: fixed(value - half), high: fixed(value + half) };
}

/** The range a stored JSON number implies (its text as JavaScript writes it). */
export function numberRangeOf(value: number): NumberRange | undefined {
  return Number.isFinite(value) ? numberRange(String(value)) : undefined;
}

/** Escapes LIKE wildcards so user input only ever matches itself. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
