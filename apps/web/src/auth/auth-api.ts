import { type ApiError, isApiError } from '../api/api-error';
import type { HttpClient } from '../api/http-client';
import { normaliseRoles } from './roles';
import type { Session, SessionUser } from './session';

/*
 * Sign-in over the identity module's browser API. The session lives in HttpOnly cookies the server sets
 * (`session: 'cookie'`); the page only learns who is signed in.
 *   POST /auth/login   { email, password, tenant?, totp?, session: 'cookie' } -> { tenant, password_change_required? }
 *                      401 AUTH_MFA_REQUIRED: ask for the TOTP code and send it with the same call
 *                      400 AUTH_TENANT_CHOICE { tenants }: ask which tenant
 *   GET  /auth/me      the principal { userId, tenantId, roles, ... }; 401 when signed out, 404 without identity
 *   POST /auth/password { currentPassword, newPassword }
 *   POST /auth/logout
 */

export interface Credentials {
  email: string;
  password: string;
  tenant?: string;
  totp?: string;
}

export type LoginResult =
  | { status: 'signed-in'; user: SessionUser; passwordChangeRequired: boolean }
  | { status: 'mfa-required' }
  | { status: 'tenant-choice'; tenants: string[] };

export const DEVELOPMENT_USER: SessionUser = {
  id: 'development-user',
  displayName: 'Development user',
  roles: ['physician', 'front-desk', 'tenant-admin'],
  tenant: { id: '00000000-0000-4000-8000-000000000001', name: 'Development clinic' },
};

// Who signed in on this tab: /auth/me names the account by id only, and a name is kinder in the header.
const SIGNED_IN_AS = 'meridian.signedInAs';

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function rememberedName(): string | undefined {
  try {
    return window.sessionStorage.getItem(SIGNED_IN_AS) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The user from /auth/me's principal; the display name is the email this tab signed in with, if known. */
export function parsePrincipal(body: unknown, signedInAs = rememberedName()): SessionUser {
  const principal = asRecord(body);
  const id = String(principal.userId ?? principal.subject ?? 'unknown');
  const name =
    (typeof principal.name === 'string' && principal.name) ||
    (typeof principal.email === 'string' && principal.email) ||
    signedInAs ||
    'Signed-in user';
  const tenantId = typeof principal.tenantId === 'string' ? principal.tenantId : '';
  const tenantName = typeof principal.tenantName === 'string' ? principal.tenantName : '';
  return {
    id,
    displayName: name,
    roles: normaliseRoles(principal.roles),
    tenant: { id: tenantId, name: tenantName },
  };
}

/** True when the server has no sign-in API (a server built without the identity module). */
export function signInUnavailable(error: unknown): error is ApiError {
  return isApiError(error) && error.status === 404;
}

export async function fetchSession(http: HttpClient, developmentUser: SessionUser): Promise<Session> {
  try {
    const { body } = await http.request<unknown>('/auth/me');
    return { status: 'signed-in', mode: 'server', user: parsePrincipal(body) };
  } catch (error) {
    if (isApiError(error) && error.status === 401) return { status: 'signed-out' };
    if (signInUnavailable(error)) return { status: 'signed-in', mode: 'development', user: developmentUser };
    throw error;
  }
}

export async function login(http: HttpClient, credentials: Credentials): Promise<LoginResult> {
  let answer: Record<string, unknown>;
  try {
    const { body } = await http.request<unknown>('/auth/login', {
      method: 'POST',
      body: { ...credentials, session: 'cookie' },
    });
    answer = asRecord(body);
  } catch (error) {
    if (isApiError(error) && error.code === 'AUTH_MFA_REQUIRED') return { status: 'mfa-required' };
    if (isApiError(error) && error.code === 'AUTH_TENANT_CHOICE' && Array.isArray(error.details.tenants)) {
      return { status: 'tenant-choice', tenants: error.details.tenants.map(String) };
    }
    throw error;
  }
  try {
    window.sessionStorage.setItem(SIGNED_IN_AS, credentials.email);
  } catch {
    // Private mode without storage: the header shows a generic name.
  }
  const { body } = await http.request<unknown>('/auth/me');
  return {
    status: 'signed-in',
    user: parsePrincipal(body, credentials.email),
    passwordChangeRequired: answer.password_change_required === true,
  };
}

export async function changePassword(http: HttpClient, currentPassword: string, newPassword: string): Promise<void> {
  await http.request('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
}

export async function logout(http: HttpClient): Promise<void> {
  try {
    await http.request('/auth/logout', { method: 'POST', body: {} });
  } finally {
    try {
      window.sessionStorage.removeItem(SIGNED_IN_AS);
    } catch {
      // nothing to forget
    }
  }
}
