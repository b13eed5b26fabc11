import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

describe('GET /audit/verify', () => {
  it('tells a tenant admin their tenant’s chain is intact, then where it was altered; other tenants are not theirs', async () => {
    const tenantA = newTenantId();
    const tenantB = newTenantId();
    const adminA = await signIn(app, { role: 'tenant_admin', tenantId: tenantA });
    const adminB = await signIn(app, { role: 'tenant_admin', tenantId: tenantB });
    // Some trail in A: a clinician registers and reads a patient.
    const physician = await signIn(app, { role: 'physician', tenantId: tenantA });
    const patient = await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Verify' }] });
    await physician.fhir.get(`Patient/${patient.id}`);

    const intact = await adminA.request('GET', '/audit/verify');
    expect(intact.statusCode).toBe(200);
    expect(intact.json()).toMatchObject({ tenantId: tenantA, status: 'verified' });
    expect(intact.json().records).toBeGreaterThanOrEqual(3);
    expect(Date.parse(intact.json().checkedAt)).not.toBeNaN();

    await app.db.asOwner((db) =>
      db.query(
        `UPDATE audit_event SET user_id = $2
          WHERE tenant_id = $1 AND seq = (SELECT min(seq) FROM audit_event WHERE tenant_id = $1)`,
        [tenantA, 'someone-else'],
      ),
    );
    const broken = (await adminA.request('GET', '/audit/verify')).json();
    expect(broken).toMatchObject({ status: 'broken', problem: { kind: 'altered' } });

    // B's chain is B's own, and intact; the tenant header does not reach into A.
    const other = await app.app.inject({
      method: 'GET',
      url: '/audit/verify',
      headers: { authorization: `Bearer ${adminB.accessToken}`, 'x-meridian-tenant': tenantA },
    });
    expect(other.json()).toMatchObject({ tenantId: tenantB, status: 'verified' });
  });

  it('is for admins only', async () => {
    const nurse = await signIn(app, { role: 'nurse', tenantId: newTenantId() });
    const res = await nurse.request('GET', '/audit/verify');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH_FORBIDDEN');
  });
});
