import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { fetchMemberTenants, switchTenant, type TenantChoice } from './auth-api';
import { useAuth } from './useAuth';

/** The organisations (tenants) the signed-in person belongs to; only sign-ins through the server have any. */
export function useMyTenants() {
  const { http } = useApi();
  const { session } = useAuth();
  const signedIn = session.status === 'signed-in' && session.mode === 'server' ? session.user : undefined;
  return useQuery({
    // Not under 'auth': signing out forgets it with everything else the person fetched.
    queryKey: ['account', 'tenants', signedIn?.id ?? '', signedIn?.tenant.id ?? ''],
    queryFn: ({ signal }) => fetchMemberTenants(http, signal),
    enabled: !!signedIn,
    staleTime: 5 * 60_000,
  });
}

export interface TenantSwitchFlow {
  /** The organisation being switched to; undefined when no switch is under way. */
  target: TenantChoice | undefined;
  /** The server asked for the authenticator code (the account has two-step verification). */
  needsCode: boolean;
  busy: boolean;
  error: unknown;
  start(target: TenantChoice): void;
  submitCode(code: string): void;
  cancel(): void;
}

/**
 * Switching this browser's sign-in to another organisation: asks the server, then for the authenticator
 * code when the server wants one, then goes to the workspace home and starts the app afresh there as
 * the person in the new organisation (AuthProvider forgets every answer from the old one).
 */
export function useTenantSwitch(): TenantSwitchFlow {
  const { http } = useApi();
  const { enterSwitchedTenant } = useAuth();
  const navigate = useNavigate();
  const [target, setTarget] = useState<TenantChoice>();
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const attempt = useCallback(
    async (to: TenantChoice, code?: string) => {
      setBusy(true);
      setError(undefined);
      try {
        const result = await switchTenant(http, to.id, code);
        if (result.status === 'mfa-required') {
          setNeedsCode(true);
          return;
        }
        // Everything under the provider mounts again, this flow with it: nothing to reset here.
        await enterSwitchedTenant(result.user, () => navigate({ to: '/' }));
      } catch (caught) {
        setError(caught);
        if (isApiError(caught) && caught.code === 'AUTH_SWITCH_MFA_INVALID') setNeedsCode(true);
      } finally {
        setBusy(false);
      }
    },
    [http, enterSwitchedTenant, navigate],
  );

  return {
    target,
    needsCode,
    busy,
    error,
    start(to) {
      setTarget(to);
      setNeedsCode(false);
      void attempt(to);
    },
    submitCode(code) {
      if (target) void attempt(target, code.replace(/\s/g, ''));
    },
    cancel() {
      if (busy) return;
      setTarget(undefined);
      setNeedsCode(false);
      setError(undefined);
    },
  };
}
