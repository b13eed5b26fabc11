import { VaultError } from '../http/errors.js';

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a Vault duration: a number of seconds, or a Go-style duration string ("1h30m", "90s", "2d").
 * Returns whole seconds. Throws a 400 error naming the field on bad input.
 */
export function parseDuration(value: unknown, field = 'ttl'): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw VaultError.badRequest(`invalid duration for ${field}`);
    return Math.floor(value);
  }
  if (typeof value !== 'string') throw VaultError.badRequest(`invalid duration for ${field}`);
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number.parseFloat(match[1] ?? '0') * (UNITS[match[2] ?? 's'] ?? 1);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || consumed === 0)
    throw VaultError.badRequest(`invalid duration for ${field}: "${value}"`);
  return Math.floor(total);
}

export function optionalDuration(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseDuration(value, field);
}
