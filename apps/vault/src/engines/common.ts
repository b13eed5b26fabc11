import { VaultError } from '../http/errors.js';

/** Validates a secret path used as a storage key; returns it without leading or trailing slashes. */
export function cleanKey(path: string): string {
  const key = path.replace(/^\/+/, '');
  if (key.includes('//') || key.split('/').some((s) => s === '.' || s === '..')) {
    throw VaultError.badRequest(`invalid path "${path}"`);
  }
  return key;
}

/** A folder prefix for listing: "" for the root, otherwise "a/b/". */
export function folder(path: string): string {
  const key = cleanKey(path).replace(/\/+$/, '');
  return key === '' ? '' : `${key}/`;
}

export function listResponse(keys: string[]): { data: { keys: string[] } } {
  if (keys.length === 0) throw VaultError.notFound();
  return { data: { keys } };
}
