import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { fhirClient, localAdmin, type TestApp } from '../../../test/test-app';

/** Test helpers of the orders integration tests: signed-in members and a lab system's client. */

export interface Caller {
  userId?: string;
  fhir: ReturnType<typeof fhirClient>;
  request(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

function callerWith(app: TestApp, token: string, userId?: string): Caller {
  const authorization = `Bearer ${token}`;
  return {
    ...(userId ? { userId } : {}),
    fhir: fhirClient(app, undefined, { authorization }),
    request: (method, url, body) =>
      app.app.inject({
        method,
        url,
        headers: { authorization },
        ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
      }),
  };
}

/** A member of the tenant with `role` (and, when given, the FHIR resource they are), signed in. */
export async function memberOf(app: TestApp, tenantId: string, role: string, fhirUser?: string): Promise<Caller> {
  await app.tenants.ensure(tenantId, `Tenant ${tenantId}`);
  const email = `${role}-${randomUUID().slice(0, 12)}@example.org`;
  const password = `correct horse ${randomUUID()}`;
  const user = await localAdmin<{ id: string }>(app, 'users', {
    tenant: tenantId,
    email,
    role,
    password,
    ...(fhirUser ? { fhirUser } : {}),
  });
  const login = await app.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password, tenant: tenantId },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
  return callerWith(app, login.json().access_token, user.id);
}

/** A service client of the tenant (a lab system) with a client-credentials token. */
export async function serviceClient(app: TestApp, tenantId: string, name: string): Promise<Caller> {
  const { client_id, client_secret } = await localAdmin<{ client_id: string; client_secret: string }>(app, 'clients', {
    tenant: tenantId,
    name,
    role: 'system',
  });
  const token = await app.app.inject({
    method: 'POST',
    url: '/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
  });
  if (token.statusCode !== 200) throw new Error(`client token failed: ${token.statusCode} ${token.body}`);
  return callerWith(app, token.json().access_token);
}
