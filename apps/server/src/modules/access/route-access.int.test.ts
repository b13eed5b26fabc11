import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, newTenantId, signIn, type TestApp } from '../../../test/test-app';
import { ROUTE_ACCESS_RULES } from './index';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

describe('every route declares who may call it', () => {
  it('finds no route without a known access rule', () => {
    const routes = app.app.routeTable;
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes
      .filter((route) => !(ROUTE_ACCESS_RULES as readonly string[]).includes(route.access ?? ''))
      .map((route) => `${route.method} ${route.url} (${route.access ?? 'none'})`);
    expect(undeclared).toEqual([]);
  });

  it('closes a route that declares nothing, to everyone', async () => {
    const extra = await createTestApp(
      { authRequired: true },
      { beforeReady: (instance) => instance.get('/forgotten', async () => ({ secret: true })) },
    );
    try {
      const res = await extra.app.inject({ method: 'GET', url: '/forgotten' });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_ROUTE_UNDECLARED');
    } finally {
      await extra.close();
    }
  });
});

describe('FHIR API with AUTH_REQUIRED on', () => {
  const patient: Patient = { resourceType: 'Patient', name: [{ family: 'Okafor', given: ['Ada'] }] };

  it('refuses a call without a token with 401 and an OperationOutcome', async () => {
    const res = await fhirClient(app).get('Patient');
    expect(res.statusCode).toBe(401);
    expect(res.json().resourceType).toBe('OperationOutcome');
    expect(res.json().issue[0].code).toBe('login');
    expect(res.headers['www-authenticate']).toContain('Bearer');
    const bad = await fhirClient(app, undefined, { authorization: 'Bearer not.a.token' }).get('Patient');
    expect(bad.statusCode).toBe(401);
    expect(bad.json().resourceType).toBe('OperationOutcome');
  });

  it('keeps metadata public', async () => {
    expect((await fhirClient(app).get('metadata')).statusCode).toBe(200);
  });

  it('scopes every call to the token’s tenant, whatever the tenant header says', async () => {
    const tenantA = newTenantId();
    const tenantB = newTenantId();
    const alice = await signIn(app, { role: 'physician', tenantId: tenantA });
    const bob = await signIn(app, { role: 'physician', tenantId: tenantB });
    const created = await alice.fhir.create(patient);

    expect((await alice.fhir.get(`Patient/${created.id}`)).statusCode).toBe(200);
    expect((await bob.fhir.get(`Patient/${created.id}`)).statusCode).toBe(404);
    // The header that picks a tenant in development is ignored once a token names one.
    const spoof = await bob.fhir.get(`Patient/${created.id}`, { 'x-meridian-tenant': tenantA });
    expect(spoof.statusCode).toBe(404);
    const history = await bob.fhir.get('Patient/_history');
    expect(history.json().entry ?? []).toEqual([]);
    const update = await bob.fhir.put(`Patient/${created.id}`, { ...created, gender: 'female' });
    expect(update.statusCode).toBe(201); // a new resource in B's own tenant, A's is untouched
    const stillA = await alice.fhir.get(`Patient/${created.id}`);
    expect(stillA.json().gender).toBeUndefined();
  });

  it('refuses a revoked session at once', async () => {
    const user = await signIn(app, { role: 'nurse' });
    expect((await user.fhir.get('Patient')).statusCode).not.toBe(401);
    await user.request('POST', '/auth/logout');
    expect((await user.fhir.get('Patient')).statusCode).toBe(401);
  });

  it('lets a service client use the API with a client-credentials token', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/admin/local/clients',
      headers: { authorization: `Bearer ${app.localAdminToken}` },
      payload: { tenant: app.tenantId, name: 'importer', role: 'system' },
    });
    const { client_id, client_secret } = res.json();
    const token = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
    });
    const client = fhirClient(app, undefined, { authorization: `Bearer ${token.json().access_token}` });
    expect((await client.post('Patient', patient)).statusCode).toBe(201);
  });
});

describe('FHIR API with AUTH_REQUIRED off (development and the FHIR suites)', () => {
  it('still answers without a token, and still honours a token when one is sent', async () => {
    const open = await createTestApp();
    try {
      expect((await fhirClient(open).get(`Patient`)).statusCode).not.toBe(401);
      const tenant = newTenantId();
      const user = await signIn(open, { role: 'physician', tenantId: tenant });
      const created = await user.fhir.create({ resourceType: 'Patient' });
      expect((await fhirClient(open, tenant).get(`Patient/${created.id}`)).statusCode).toBe(200);
      expect((await fhirClient(open).get(`Patient/${created.id}`)).statusCode).toBe(404);
    } finally {
      await open.close();
    }
  });
});

it('serves no FHIR route outside /fhir/R4 without a rule', () => {
  expect(FHIR).toBe('/fhir/R4');
});
