import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

describe('audit under concurrent load', () => {
  it('records every one of many simultaneous reads in one unbroken chain', async () => {
    const headers = { authorization: `Bearer ${app.localAdminToken}`, 'content-type': 'application/fhir+json' };
    const created = await app.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers,
      payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Busy' }] }),
    });
    const id = created.json().id as string;
    const reads = await Promise.all(
      Array.from({ length: 60 }, () => app.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers })),
    );
    expect(reads.every((res) => res.statusCode === 200)).toBe(true);

    const verify = await app.app.inject({
      method: 'POST',
      url: '/admin/local/audit/verify',
      headers: { authorization: headers.authorization },
    });
    const report = verify.json() as { ok: boolean; tenants: { tenantId: string; records: number }[] };
    expect(report.ok).toBe(true);
    const mine = report.tenants.find((tenant) => tenant.tenantId === app.tenantId);
    expect(mine?.records).toBeGreaterThanOrEqual(61);

    const seen = await app.db.withTenant(app.tenantId, (db) =>
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE resource_id = $1 AND action = 'read'`, [
        id,
      ]),
    );
    expect(Number(seen.rows[0]!.n)).toBe(60);
  });
});

describe('when the audit trail cannot be written', () => {
  it('withholds the answer instead of sending patient data unrecorded', async () => {
    const headers = { authorization: `Bearer ${app.localAdminToken}`, 'content-type': 'application/fhir+json' };
    const created = await app.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers,
      payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Withheld' }] }),
    });
    const id = created.json().id as string;
    // A read's record is committed in staging before the answer (chained afterwards): make that fail.
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged RENAME TO audit_staged_unavailable'));
    try {
      const read = await app.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers });
      expect(read.statusCode).toBe(500);
      expect(read.body).not.toContain('Withheld');
      expect(read.json().resourceType).toBe('OperationOutcome');
      expect(read.headers.etag).toBeUndefined();
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged_unavailable RENAME TO audit_staged'));
    }
    const again = await app.app.inject({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers });
    expect(again.statusCode).toBe(200);
  });
});
