import type { Resource } from '@medplum/fhirtypes';
import { DEFAULT_TENANT } from './meridian-server';

export interface TestUser {
  email: string;
  password: string;
  roles: string[];
}

export const PASSWORD = 'Meridian-e2e-correct-horse-42';

export const USERS = {
  clinician: { email: 'clinician@meridian.test', password: PASSWORD, roles: ['physician', 'front_desk'] },
  admin: { email: 'admin@meridian.test', password: PASSWORD, roles: ['tenant_admin'] },
  totp: { email: 'totp@meridian.test', password: PASSWORD, roles: ['nurse'] },
  nurse: { email: 'nurse@meridian.test', password: PASSWORD, roles: ['nurse'] },
  frontDesk: { email: 'frontdesk@meridian.test', password: PASSWORD, roles: ['front_desk'] },
  billing: { email: 'billing@meridian.test', password: PASSWORD, roles: ['billing'] },
} satisfies Record<string, TestUser>;

async function call<T>(url: string, init: RequestInit & { json?: unknown }): Promise<T> {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...rest.headers },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Creates a user with its roles through the CLI's local admin API (the way `meridian user create` does). */
export async function createUser(baseUrl: string, adminToken: string, user: TestUser): Promise<void> {
  for (const [index, role] of user.roles.entries()) {
    await call(`${baseUrl}/admin/local/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      json: {
        tenant: DEFAULT_TENANT,
        email: user.email,
        name: user.email,
        role,
        ...(index === 0 ? { password: user.password } : {}),
      },
    });
  }
}

export async function accessToken(baseUrl: string, user: TestUser, totp?: string): Promise<string> {
  const tokens = await call<{ access_token: string }>(`${baseUrl}/auth/login`, {
    method: 'POST',
    json: { email: user.email, password: user.password, ...(totp ? { totp } : {}) },
  });
  return tokens.access_token;
}

/** A small FHIR client for seeding data as a signed-in user. */
export function fhirAs(baseUrl: string, token: string) {
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/fhir+json',
    accept: 'application/fhir+json',
  };
  return {
    create: <T extends Resource>(resource: T) =>
      call<T>(`${baseUrl}/fhir/R4/${resource.resourceType}`, { method: 'POST', headers, json: resource }),
    get: <T>(path: string) => call<T>(`${baseUrl}/fhir/R4/${path}`, { headers }),
    post: <T>(path: string, json: unknown, extra: Record<string, string> = {}) =>
      call<T>(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', ...extra },
        json,
      }),
  };
}
