import { VaultError } from '../http/errors.js';

/** Helpers to read loosely typed request fields the way Vault does (strings for numbers, comma lists). */
export function asString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw VaultError.badRequest(`field "${field}" must be a string`);
}

export function asInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw VaultError.badRequest(`field "${field}" must be an integer`);
  return n;
}

export function asBool(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw VaultError.badRequest(`field "${field}" must be a boolean`);
}

/** Accepts an array of strings or a comma separated string. */
export function asStringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((s) => s.trim()).filter((s) => s.length > 0);
  }
  throw VaultError.badRequest(`field "${field}" must be a list of strings`);
}

export function asObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw VaultError.badRequest(`field "${field}" must be an object`);
}

export function asStringMap(value: unknown, field: string): Record<string, string> | undefined {
  const obj = asObject(value, field);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw VaultError.badRequest(`field "${field}" must map strings to strings`);
    out[k] = v;
  }
  return out;
}

export function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}
