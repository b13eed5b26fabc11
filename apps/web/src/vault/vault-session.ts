/** How the person signed in to the vault. */
export type VaultSignInMethod = 'token' | 'userpass' | 'approle';

/** A vault sign-in: the token and what the vault said about it. Kept for this browser tab only. */
export interface VaultSession {
  token: string;
  /** Namespace the screens work in ('' is the root namespace). */
  namespace: string;
  /** Namespace the token was issued in, where it is looked up (the screens may work below it). */
  tokenNamespace?: string;
  method: VaultSignInMethod;
  displayName: string;
  policies: string[];
  accessor?: string;
}

/**
 * The vault token lives in sessionStorage only: gone when the tab closes, never sent as a cookie, never in
 * localStorage (which outlives the tab and is shared by every tab of the origin).
 */
export const VAULT_SESSION_KEY = 'meridian.vault.session';

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function browserSessionStorage(): KeyValueStorage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    // Storage can be switched off; the sign-in then lasts until the page reloads.
    return undefined;
  }
}

function isSession(value: unknown): value is VaultSession {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Partial<VaultSession>;
  return (
    typeof candidate.token === 'string' &&
    candidate.token.length > 0 &&
    typeof candidate.namespace === 'string' &&
    (candidate.tokenNamespace === undefined || typeof candidate.tokenNamespace === 'string') &&
    (candidate.method === 'token' || candidate.method === 'userpass' || candidate.method === 'approle') &&
    typeof candidate.displayName === 'string' &&
    Array.isArray(candidate.policies) &&
    candidate.policies.every((policy) => typeof policy === 'string')
  );
}

export function loadVaultSession(storage: KeyValueStorage | undefined): VaultSession | undefined {
  const text = storage?.getItem(VAULT_SESSION_KEY);
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isSession(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function saveVaultSession(storage: KeyValueStorage | undefined, session: VaultSession): void {
  storage?.setItem(VAULT_SESSION_KEY, JSON.stringify(session));
}

export function clearVaultSession(storage: KeyValueStorage | undefined): void {
  storage?.removeItem(VAULT_SESSION_KEY);
}

/** A namespace as the vault expects it in X-Vault-Namespace: no leading or trailing slashes, '' for root. */
export function normaliseNamespace(namespace: string): string {
  return namespace.trim().replace(/^\/+|\/+$/g, '');
}
