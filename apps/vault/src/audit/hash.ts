import { createHmac } from 'node:crypto';

export function hmacValue(salt: Buffer, value: string): string {
  return `hmac-sha256:${createHmac('sha256', salt).update(value).digest('hex')}`;
}

/** HMACs every string in a structure, leaving keys, numbers, booleans and nulls as they are. */
export function hashStructure(salt: Buffer, value: unknown, skip: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') return hmacValue(salt, value);
  if (Array.isArray(value)) return value.map((v) => hashStructure(salt, v, skip));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = skip.has(k) ? v : hashStructure(salt, v, skip);
    return out;
  }
  return value;
}
