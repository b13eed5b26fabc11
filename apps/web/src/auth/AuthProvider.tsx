import { Center, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { changePassword, DEVELOPMENT_USER, fetchSession, login, logout } from './auth-api';
import { AuthContext, type AuthContextValue } from './auth-context';
import { normaliseRoles, type Role } from './roles';
import type { Session } from './session';

export const SESSION_QUERY_KEY = ['auth', 'session'] as const;
const DEVELOPMENT_ROLES_KEY = 'meridian.developmentRoles';
// Written when this tab switches tenant: the browser's other tabs share its cookies, so they start over too.
const TENANT_SWITCH_KEY = 'meridian.tenantSwitch';

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
  // Bumped by a tenant switch: the whole app under this provider mounts again, so no screen keeps anything
  // (a list, a form, a live connection) from the tenant it left.
  const [generation, setGeneration] = useState(0);

  // Another tab switched tenant: this tab's cookies now belong to the new tenant, but what it shows does
  // not. It starts over from the workspace home rather than show one tenant's records under another's.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === TENANT_SWITCH_KEY && event.newValue) window.location.assign('/');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

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
      async enterSwitchedTenant(user, goHome) {
        const previousTenant = (query: { queryKey: readonly unknown[] }) =>
          query.queryKey[0] !== SESSION_QUERY_KEY[0] || query.queryKey[1] !== SESSION_QUERY_KEY[1];
        await queryClient.cancelQueries({ predicate: previousTenant });
        queryClient.removeQueries({ predicate: previousTenant });
        await goHome();
        // And whatever started while going home: the app fetches afresh once it mounts again.
        queryClient.removeQueries({ predicate: previousTenant });
        setSession({ status: 'signed-in', mode: 'server', user });
        setGeneration((current) => current + 1);
        try {
          window.localStorage.setItem(TENANT_SWITCH_KEY, `${user.tenant.id} ${Date.now()}`);
        } catch {
          // No storage (private mode): other tabs are not told.
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
  return (
    <AuthContext.Provider value={value}>
      <Fragment key={generation}>{children}</Fragment>
    </AuthContext.Provider>
  );
}
