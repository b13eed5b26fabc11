/** The screens of the vault section, from the address after /console/vault/. */
export type VaultView = 'secrets' | 'policies' | 'auth' | 'users' | 'approles';

export const VAULT_VIEWS: readonly { view: VaultView; label: string }[] = [
  { view: 'secrets', label: 'Secrets' },
  { view: 'policies', label: 'Policies' },
  { view: 'auth', label: 'Auth methods' },
  { view: 'users', label: 'Users' },
  { view: 'approles', label: 'AppRoles' },
];

export interface VaultLocation {
  view: VaultView;
  /** A policy name for policies/<name>, '' for the list. */
  name: string;
}

/** `policies/readers` → the policy screen for "readers"; anything unknown is the secrets screen. */
export function parseVaultLocation(splat: string | undefined): VaultLocation {
  const [first = '', ...rest] = (splat ?? '').split('/').filter(Boolean);
  const view = VAULT_VIEWS.some((item) => item.view === first) ? (first as VaultView) : 'secrets';
  return { view, name: view === 'policies' ? decodeSegments(rest.join('/')) : '' };
}

function decodeSegments(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Search parameters of the vault screens: which KV mount and path, which version, which auth mount. */
export interface VaultSearch {
  mount?: string;
  path?: string;
  version?: number;
}

export function validateVaultSearch(search: Record<string, unknown>): VaultSearch {
  const result: VaultSearch = {};
  if (typeof search.mount === 'string' && search.mount) result.mount = search.mount;
  if (typeof search.path === 'string' && search.path) result.path = search.path;
  const version = Number(search.version);
  if (Number.isInteger(version) && version > 0) result.version = version;
  return result;
}
