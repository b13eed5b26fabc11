import { describe, expect, it } from 'vitest';
import {
  clearVaultSession,
  loadVaultSession,
  normaliseNamespace,
  saveVaultSession,
  VAULT_SESSION_KEY,
  type VaultSession,
} from './vault-session';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const SESSION: VaultSession = {
  token: 'hvs.abc',
  namespace: '',
  method: 'userpass',
  displayName: 'userpass-ana',
  policies: ['default', 'readers'],
};

describe('the vault session', () => {
  it('is kept and read back from the given storage', () => {
    const storage = memoryStorage();
    saveVaultSession(storage, SESSION);
    expect(storage.items.has(VAULT_SESSION_KEY)).toBe(true);
    expect(loadVaultSession(storage)).toEqual(SESSION);
    const below = { ...SESSION, namespace: 'clinic/ward', tokenNamespace: 'clinic' };
    saveVaultSession(storage, below);
    expect(loadVaultSession(storage)).toEqual(below);
  });
  it('is forgotten on sign-out', () => {
    const storage = memoryStorage();
    saveVaultSession(storage, SESSION);
    clearVaultSession(storage);
    expect(loadVaultSession(storage)).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });
  it('ignores anything that is not a session', () => {
    const storage = memoryStorage();
    for (const text of [
      'not json',
      '{}',
      '{"token":"","namespace":"","method":"token","displayName":"","policies":[]}',
    ]) {
      storage.setItem(VAULT_SESSION_KEY, text);
      expect(loadVaultSession(storage)).toBeUndefined();
    }
    storage.setItem(VAULT_SESSION_KEY, JSON.stringify({ ...SESSION, method: 'github' }));
    expect(loadVaultSession(storage)).toBeUndefined();
    storage.setItem(VAULT_SESSION_KEY, JSON.stringify({ ...SESSION, tokenNamespace: 7 }));
    expect(loadVaultSession(storage)).toBeUndefined();
  });
  it('works without storage (switched off by the browser)', () => {
    saveVaultSession(undefined, SESSION);
    expect(loadVaultSession(undefined)).toBeUndefined();
  });
});

describe('normaliseNamespace', () => {
  it('trims slashes and spaces', () => {
    expect(normaliseNamespace(' /clinic/ward/ ')).toBe('clinic/ward');
    expect(normaliseNamespace('')).toBe('');
  });
});
