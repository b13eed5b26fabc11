import type { HttpClient } from '../api/http-client';

/** The server's role names (snake case), as the identity API takes and answers them. */
export const SERVER_ROLES = [
  'tenant_admin',
  'physician',
  'nurse',
  'front_desk',
  'billing',
  'pharmacist',
  'patient',
  'super_admin',
] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

export const SERVER_ROLE_LABELS: Record<ServerRole, string> = {
  tenant_admin: 'Tenant admin',
  physician: 'Physician',
  nurse: 'Nurse',
  front_desk: 'Front desk',
  billing: 'Billing',
  pharmacist: 'Pharmacist',
  patient: 'Patient',
  super_admin: 'Super admin',
};

export function roleLabel(role: string): string {
  return SERVER_ROLE_LABELS[role as ServerRole] ?? role;
}

export interface TenantUser {
  id: string;
  email: string;
  name: string;
  roles: ServerRole[];
  status: 'active' | 'locked' | 'deactivated';
  mfaEnabled: boolean;
  passwordChangeRequired: boolean;
  failedSignIns: number;
  lockedUntil: string | null;
  lastSignIn: string | null;
  createdAt: string;
}

export interface UserPage {
  total: number;
  offset: number;
  users: TenantUser[];
}

export interface CreatedUser {
  id: string;
  email: string;
  role: ServerRole;
  /** The generated first password, shown once; the person must change it at first sign-in. */
  password?: string;
  existing: boolean;
}

export interface UserChange {
  user: TenantUser;
  sessionsEnded: number;
}

const path = (id: string, action = '') => `/identity/users/${encodeURIComponent(id)}${action}`;

/** The identity API behind the Users screen. Every call is scoped by the server to the admin's tenant. */
export function usersApi(http: HttpClient) {
  return {
    async list(params: { q?: string; count: number; offset: number }, signal?: AbortSignal): Promise<UserPage> {
      const query = new URLSearchParams({ _count: String(params.count), _offset: String(params.offset) });
      if (params.q) query.set('q', params.q);
      return (await http.request<UserPage>(`/identity/users?${query}`, signal ? { signal } : {})).body;
    },
    async create(input: { tenant: string; email: string; name?: string; role: ServerRole }): Promise<CreatedUser> {
      return (await http.request<CreatedUser>('/identity/users', { method: 'POST', body: input })).body;
    },
    async setRoles(id: string, roles: ServerRole[]): Promise<UserChange> {
      return (await http.request<UserChange>(path(id, '/roles'), { method: 'PUT', body: { roles } })).body;
    },
    async deactivate(id: string): Promise<UserChange> {
      return (await http.request<UserChange>(path(id, '/deactivate'), { method: 'POST', body: {} })).body;
    },
    async reactivate(id: string): Promise<UserChange> {
      return (await http.request<UserChange>(path(id, '/reactivate'), { method: 'POST', body: {} })).body;
    },
    async resetMfa(id: string): Promise<void> {
      await http.request(`/auth/users/${encodeURIComponent(id)}/mfa/reset`, { method: 'POST', body: {} });
    },
    async revokeSessions(id: string): Promise<number> {
      const { body } = await http.request<{ revoked: number }>(
        `/auth/users/${encodeURIComponent(id)}/sessions/revoke`,
        {
          method: 'POST',
          body: {},
        },
      );
      return body.revoked;
    },
  };
}
