import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useMemo, useRef, useState } from 'react';
import { VaultClient } from './vault-client';
import { VaultContext, type VaultContextValue } from './vault-context';
import {
  browserSessionStorage,
  clearVaultSession,
  loadVaultSession,
  normaliseNamespace,
  saveVaultSession,
  type VaultSession,
} from './vault-session';

export function VaultProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<VaultSession | undefined>(() => loadVaultSession(browserSessionStorage()));
  const current = useRef(session);
  current.current = session;
  const [client] = useState(
    () =>
      new VaultClient({
        token: () => current.current?.token,
        namespace: () => current.current?.namespace,
      }),
  );

  const keep = useCallback((next: VaultSession | undefined) => {
    const storage = browserSessionStorage();
    if (next) saveVaultSession(storage, next);
    else clearVaultSession(storage);
    current.current = next;
    setSession(next);
  }, []);

  const value = useMemo<VaultContextValue>(
    () => ({
      client,
      session,
      signIn: (next) => {
        queryClient.removeQueries({ queryKey: ['vault', 'data'] });
        keep(next);
      },
      signOut: () => {
        keep(undefined);
        queryClient.removeQueries({ queryKey: ['vault', 'data'] });
      },
      setNamespace: (namespace) => {
        if (current.current) keep({ ...current.current, namespace: normaliseNamespace(namespace) });
      },
    }),
    [client, session, keep, queryClient],
  );
  return <VaultContext.Provider value={value}>{children}</VaultContext.Provider>;
}
