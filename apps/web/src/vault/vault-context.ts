import { createContext, useContext } from 'react';
import type { VaultClient } from './vault-client';
import type { VaultSession } from './vault-session';

export interface VaultContextValue {
  client: VaultClient;
  session: VaultSession | undefined;
  /** Keeps a checked sign-in for this tab. */
  signIn(session: VaultSession): void;
  /** Forgets the token (sessionStorage and memory) and every vault answer cached for it. */
  signOut(): void;
  /** Works in another namespace with the same token. */
  setNamespace(namespace: string): void;
}

export const VaultContext = createContext<VaultContextValue | undefined>(undefined);

export function useVault(): VaultContextValue {
  const vault = useContext(VaultContext);
  if (!vault) throw new Error('useVault must be used inside <VaultProvider>');
  return vault;
}

/** The start of every query key of vault data: per signed-in token and namespace, so nothing leaks across. */
export function vaultDataKey(session: VaultSession | undefined): readonly unknown[] {
  return ['vault', 'data', session?.accessor ?? session?.displayName ?? 'anonymous', session?.namespace ?? ''];
}
