import { Center, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { changePassword, DEVELOPMENT_USER, fetchSession, login, logout } from './auth-api';
import { AuthContext, type AuthContextValue } from './auth-context';
import { normaliseRoles, type Role } from './roles';
import type { Session } from './session';

export const SESSION_QUERY_KEY = ['auth', 'session'] as const;
const DEVELOPMENT_ROLES_KEY = 'meridian.developmentRoles';

function storedDevelopmentRoles(): Role[] {
  try {
    const stored = normaliseRoles(JSON.parse(window.sessionStorage.getItem(DEVELOPMENT_ROLES_KEY) ?? 'null'));
    return stored.length ? stored : DEVELOPMENT_USER.roles;
  } catch {
    return DEVELOPMENT_USER.roles;
  }
}

/**
 * Knows who is signed in. The session comes from the server (an HttpOnly cookie it manages); when the server
 * has no sign-in API the app runs as a development user, clearly labelled in the header.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const { http } = useApi();
  const queryClient = useQueryClient();
  const [developmentRoles, setDevelopmentRolesState] = useState<Role[]>(storedDevelopmentRoles);
  const developmentUser = useMemo(() => ({ ...DEVELOPMENT_USER, roles: developmentRoles }), [developmentRoles]);

  const sessionQuery = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: () => fetchSession(http, DEVELOPMENT_USER),
    staleTime: 5 * 60_000,
    retry: 1,
  });

  const session: Session | undefined = useMemo(() => {
    const found = sessionQuery.data;
    if (found?.status === 'signed-in' && found.mode === 'development') return { ...found, user: developmentUser };
    return found;
  }, [sessionQuery.data, developmentUser]);

  const setSession = useCallback((next: Session) => queryClient.setQueryData(SESSION_QUERY_KEY, next), [queryClient]);

  // A session that ends on its own (expiry, revocation elsewhere) sends the person back to sign-in.
  useEffect(() => {
    http.onSessionExpired = () => {
      const current = queryClient.getQueryData<Session>(SESSION_QUERY_KEY);
      if (current?.status !== 'signed-in') return;
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      setSession({ status: 'signed-out', expired: true });
    };
    return () => {
      http.onSessionExpired = undefined;
    };
  }, [http, queryClient, setSession]);

  const value = useMemo<AuthContextValue | undefined>(() => {
    if (!session) return undefined;
    return {
      session,
      user: session.status === 'signed-in' ? session.user : undefined,
      async signIn(credentials) {
        const result = await login(http, credentials);
        // Held back while a new password is still owed: the sign-in page asks for it first.
        if (result.status === 'signed-in' && !result.passwordChangeRequired) {
          setSession({ status: 'signed-in', mode: 'server', user: result.user });
        }
        return result;
      },
      async changePassword(currentPassword, newPassword) {
        await changePassword(http, currentPassword, newPassword);
        await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      },
      async signOut() {
        const development = session.status === 'signed-in' && session.mode === 'development';
        try {
          if (!development) await logout(http);
        } finally {
          // Nothing fetched for one user may be shown to the next.
          queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
          setSession({ status: 'signed-out', ...(development ? { signInUnavailable: true } : {}) });
        }
      },
      setDevelopmentRoles(roles) {
        window.sessionStorage.setItem(DEVELOPMENT_ROLES_KEY, JSON.stringify(roles));
        setDevelopmentRolesState(roles);
      },
    };
  }, [session, http, queryClient, setSession]);

  if (sessionQuery.isError && !value) {
    return (
      <Center h="100vh" p="md">
        <ErrorAlert
          title="Meridian could not start"
          error={sessionQuery.error}
          onRetry={() => sessionQuery.refetch()}
        />
      </Center>
    );
  }
  if (!value) {
    return (
      <Center h="100vh">
        <Stack align="center" gap="xs">
          <Loader aria-label="Loading" />
          <Text c="dimmed">Starting Meridian…</Text>
        </Stack>
      </Center>
    );
  }
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
