import { type ApiError, isApiError } from '../api/api-error';
import type { HttpClient } from '../api/http-client';
import { normaliseRoles } from './roles';
import type { Session, SessionUser } from './session';

/*
 * Sign-in over the identity module's browser API. The session lives in HttpOnly cookies the server sets
 * (`session: 'cookie'`); the page only learns who is signed in.
 *   POST /auth/login   { email, password, tenant?, totp?, session: 'cookie' } -> { tenant, password_change_required? }
 *                      401 AUTH_MFA_REQUIRED: ask for the TOTP code and send it with the same call
 *                      400 AUTH_TENANT_CHOICE { tenants, choices: [{ id, name }] }: ask which tenant
 *   GET  /auth/me      the principal { userId, tenantId, tenantName, name, roles, ... }; 401 when signed out,
 *                      404 without identity
 *   GET  /auth/tenants { tenants: [{ id, name, slug, roles, current }] }: the person's organisations
 *   POST /auth/switch-tenant { tenant, totp? } -> new session cookies in that tenant, the old sign-in ended
 *                      403 AUTH_SWITCH_MFA_REQUIRED: ask for the TOTP code and send it with the same call
 *   POST /auth/password { currentPassword, newPassword }
 *   POST /auth/logout
 */

export interface Credentials {
  email: string;
  password: string;
  tenant?: string;
  totp?: string;
}

/** An organisation (tenant) the person can work in. */
export interface TenantChoice {
  id: string;
  name: string;
}

export type LoginResult =
  | { status: 'signed-in'; user: SessionUser; passwordChangeRequired: boolean }
  | { status: 'mfa-required' }
  | { status: 'tenant-choice'; tenants: TenantChoice[] };

/** An organisation the signed-in person belongs to, as `GET /auth/tenants` lists it. */
export interface MemberTenant extends TenantChoice {
  current: boolean;
}

export type SwitchResult = { status: 'switched'; user: SessionUser } | { status: 'mfa-required' };

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
      return { status: 'tenant-choice', tenants: tenantChoices(error.details) };
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

/** The tenants a sign-in may open in, by name when the server gives names (else by id). */
export function tenantChoices(details: Record<string, unknown>): TenantChoice[] {
  if (Array.isArray(details.choices)) {
    const named = details.choices
      .map(asRecord)
      .filter((choice) => typeof choice.id === 'string')
      .map((choice) => ({ id: String(choice.id), name: String(choice.name || choice.id) }));
    if (named.length) return named;
  }
  return (Array.isArray(details.tenants) ? details.tenants : []).map((id) => ({ id: String(id), name: String(id) }));
}

export function parseMemberTenants(body: unknown): MemberTenant[] {
  const tenants = asRecord(body).tenants;
  return (Array.isArray(tenants) ? tenants : [])
    .map(asRecord)
    .filter((tenant) => typeof tenant.id === 'string')
    .map((tenant) => ({
      id: String(tenant.id),
      name: typeof tenant.name === 'string' && tenant.name ? tenant.name : String(tenant.id),
      current: tenant.current === true,
    }));
}

export async function fetchMemberTenants(http: HttpClient, signal?: AbortSignal): Promise<MemberTenant[]> {
  const { body } = await http.request<unknown>('/auth/tenants', signal ? { signal } : {});
  return parseMemberTenants(body);
}

/**
 * Moves this browser's sign-in to another of the person's tenants. The server replaces the session
 * cookies and ends the old sign-in; the answer is the person as the new tenant sees them.
 */
export async function switchTenant(http: HttpClient, tenant: string, totp?: string): Promise<SwitchResult> {
  try {
    await http.request('/auth/switch-tenant', { method: 'POST', body: { tenant, ...(totp ? { totp } : {}) } });
  } catch (error) {
    if (isApiError(error) && error.code === 'AUTH_SWITCH_MFA_REQUIRED') return { status: 'mfa-required' };
    throw error;
  }
  const { body } = await http.request<unknown>('/auth/me');
  return { status: 'switched', user: parsePrincipal(body) };
}

/** The words for a lockout answer (`AUTH_ACCOUNT_LOCKED`), or undefined for any other error. */
export function lockoutMessage(error: unknown): string | undefined {
  if (!isApiError(error) || error.code !== 'AUTH_ACCOUNT_LOCKED') return undefined;
  const seconds = Number(error.details.retryAfterSeconds ?? 0);
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Too many failed attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
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
