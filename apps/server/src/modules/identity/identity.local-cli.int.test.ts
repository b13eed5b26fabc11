import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

const patient = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Cli' }] });

describe('the meridian CLI on the server machine', () => {
  it('uses the FHIR API with the local admin token, for the tenant it names', async () => {
    const tenant = newTenantId();
    const headers = {
      authorization: `Bearer ${app.localAdminToken}`,
      'content-type': 'application/fhir+json',
      'x-meridian-tenant': tenant,
    };
    const created = await app.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers, payload: patient });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const read = await app.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers });
    expect(read.statusCode).toBe(200);
    // Another tenant, same token: not there.
    const elsewhere = await app.app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient/${id}`,
      headers: { ...headers, 'x-meridian-tenant': newTenantId() },
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('refuses a wrong token', async () => {
    const res = await app.app.inject({
      method: 'GET',
      url: '/fhir/R4/Patient',
      headers: { authorization: `Bearer ${'x'.repeat(app.localAdminToken.length)}` },
    });
    expect(res.statusCode).toBe(401);
  });
});
