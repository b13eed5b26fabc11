import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, localAdmin, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let admin: SignedIn;
let tenantId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

/** A tenant with a few audited events of its own: a sign-in, FHIR writes and reads. */
async function tenantWithTrail() {
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  const physician = await signIn(app, { role: 'physician', tenantId });
  const patient = await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Moreau' }] });
  await physician.fhir.get(`Patient/${patient.id}`);
  const observation = await physician.fhir.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pulse' },
    subject: { reference: `Patient/${patient.id}` },
  });
  await physician.fhir.get(`Observation/${observation.id}`, { 'x-purpose-of-use': 'TREAT' });
  await physician.fhir.delete(`Observation/${observation.id}`);
  await physician.fhir.get(`Patient/does-not-exist`);
  // Reads are chained in the background just after their answers; these tests read the chain itself.
  await app.audit.settled();
  return { physician, patient, observation };
}

const verify = (tenant?: string) =>
  localAdmin<{ ok: boolean; tenants: { tenantId: string; ok: boolean; records: number; problem?: any }[] }>(
    app,
    `audit/verify${tenant ? `?tenant=${tenant}` : ''}`,
  );

const tamper = (sql: string, params: unknown[]) => app.db.asOwner((db) => db.query(sql, params));

describe('recording', () => {
  let trail: Awaited<ReturnType<typeof tenantWithTrail>>;
  beforeEach(async () => {
    trail = await tenantWithTrail();
  });

  it('records each FHIR interaction with who, what patient, what resource, outcome and purpose', async () => {
    const rows = await app.db.asOwner((db) =>
      db.query<Record<string, unknown>>(
        `SELECT action, outcome, user_id, patient_id, resource_type, resource_id, status, purpose_of_use
         FROM audit_event WHERE tenant_id = $1 AND resource_type IS NOT NULL ORDER BY seq`,
        [tenantId],
      ),
    );
    const { physician, patient, observation } = trail;
    expect(rows.rows).toEqual([
      expect.objectContaining({
        action: 'create',
        outcome: 'success',
        user_id: physician.userId,
        patient_id: patient.id,
        resource_type: 'Patient',
        resource_id: patient.id,
        // Written inside the change's transaction, before any HTTP status exists.
        status: null,
      }),
      expect.objectContaining({ action: 'read', patient_id: patient.id, resource_id: patient.id, status: 200 }),
      expect.objectContaining({
        action: 'create',
        patient_id: patient.id,
        resource_type: 'Observation',
        resource_id: observation.id,
      }),
      expect.objectContaining({
        action: 'read',
        patient_id: patient.id,
        resource_id: observation.id,
        purpose_of_use: 'TREAT',
      }),
      // The deleted version's patient is on record too.
      expect.objectContaining({ action: 'delete', patient_id: patient.id, resource_id: observation.id, status: null }),
      expect.objectContaining({ action: 'read', outcome: 'failure', resource_id: 'does-not-exist', status: 404 }),
    ]);
  });

  it('records a refused call as denied', async () => {
    const stranger = await app.app.inject({
      method: 'GET',
      url: '/fhir/R4/Patient',
      headers: { authorization: `Bearer ${trail.physician.accessToken}x` },
    });
    expect(stranger.statusCode).toBe(401);
    await app.audit.settled();
    const denied = await app.db.asOwner((db) =>
      db.query('SELECT 1 FROM audit_event WHERE outcome = $1 AND action = $2 AND status = 401', ['denied', 'search']),
    );
    expect(denied.rows.length).toBeGreaterThan(0);
  });

  it('serves the trail as FHIR AuditEvents filtered by patient, user and action, and as CSV', async () => {
    const { patient, physician } = trail;
    const res = await admin.request('GET', `/audit/events?patient=${patient.id}`);
    expect(res.statusCode).toBe(200);
    const bundle = res.json() as Bundle<AuditEvent>;
    expect(bundle.entry).toHaveLength(5);
    const event = bundle.entry![0]!.resource!;
    expect(event.resourceType).toBe('AuditEvent');
    expect(event.entity?.[0]?.what?.reference).toBe(`Patient/${patient.id}`);
    expect(event.agent[0]?.who?.identifier?.value).toBe(physician.userId);

    const logins = (
      await admin.request('GET', `/audit/events?user=${physician.userId}&action=login`)
    ).json() as Bundle<AuditEvent>;
    expect(logins.entry).toHaveLength(1);
    expect(logins.entry![0]!.resource!.type.code).toBe('110114');

    const csv = await admin.request('GET', `/audit/events?patient=${patient.id}&_format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,recorded,action,outcome,user,client,roles,patient,resource_type,resource_id,status,ip,purpose_of_use,request_id,detail',
    );
    expect(lines).toHaveLength(6);

    expect((await admin.request('GET', '/audit/events?from=yesterday')).json().code).toBe('AUDIT_INVALID_QUERY');
    // Only admins read the trail, and only their own tenant's.
    expect((await physician.request('GET', '/audit/events')).statusCode).toBe(403);
    const otherAdmin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const other = (await otherAdmin.request('GET', `/audit/events?patient=${patient.id}`)).json() as Bundle;
    expect(other.entry).toEqual([]);
  });
});

describe('the hash chain', () => {
  beforeEach(async () => {
    await tenantWithTrail();
  });

  const seqs = async () =>
    (
      await app.db.asOwner((db) =>
        db.query<{ seq: number; id: string }>('SELECT seq, id FROM audit_event WHERE tenant_id = $1 ORDER BY seq', [
          tenantId,
        ]),
      )
    ).rows.map((row) => ({ seq: Number(row.seq), id: row.id }));

  it('verifies an untouched trail', async () => {
    const report = await verify(tenantId);
    expect(report.ok).toBe(true);
    expect(report.tenants[0]!.records).toBeGreaterThanOrEqual(8);
    expect((await verify()).ok).toBe(true);
  });

  it('names a record whose content was altered', async () => {
    const rows = await seqs();
    await tamper('UPDATE audit_event SET user_id = $3 WHERE tenant_id = $1 AND seq = $2', [
      tenantId,
      4,
      'someone-else',
    ]);
    const report = await verify(tenantId);
    expect(report.ok).toBe(false);
    expect(report.tenants[0]!.problem).toMatchObject({ kind: 'altered', seq: 4, id: rows[3]!.id });
  });

  it('names a deleted record', async () => {
    await tamper('DELETE FROM audit_event WHERE tenant_id = $1 AND seq = $2', [tenantId, 3]);
    const report = await verify(tenantId);
    expect(report.tenants[0]!.problem).toMatchObject({ kind: 'deleted', seq: 3 });
  });

  it('notices records deleted from the end', async () => {
    const rows = await seqs();
    const last = rows[rows.length - 1]!.seq;
    await tamper('DELETE FROM audit_event WHERE tenant_id = $1 AND seq = $2', [tenantId, last]);
    expect((await verify(tenantId)).tenants[0]!.problem).toMatchObject({ kind: 'deleted', seq: last });
  });

  it('names a record moved out of its place', async () => {
    const rows = await seqs();
    await app.db.asOwner(async (db) => {
      await db.query('UPDATE audit_event SET seq = -1 WHERE tenant_id = $1 AND seq = 2', [tenantId]);
      await db.query('UPDATE audit_event SET seq = 2 WHERE tenant_id = $1 AND seq = 3', [tenantId]);
      await db.query('UPDATE audit_event SET seq = 3 WHERE tenant_id = $1 AND seq = -1', [tenantId]);
    });
    const problem = (await verify(tenantId)).tenants[0]!.problem;
    expect(problem).toMatchObject({ kind: 'reordered', seq: 2, id: rows[2]!.id });
  });

  it('forbids the server’s database role to change or remove audit rows', async () => {
    await expect(
      app.db.transaction(tenantId, (tx) => tx.query('UPDATE audit_event SET action = $1', ['read'])),
    ).rejects.toThrow(/permission denied/);
    await expect(app.db.transaction(tenantId, (tx) => tx.query('DELETE FROM audit_event'))).rejects.toThrow(
      /permission denied/,
    );
    expect((await verify(tenantId)).ok).toBe(true);
  });

  it('never forks the chain under concurrent writers', async () => {
    const user = await signIn(app, { role: 'nurse', tenantId });
    await Promise.all(Array.from({ length: 12 }, () => user.fhir.get('Patient')));
    const report = await verify(tenantId);
    expect(report.ok).toBe(true);
  });
});
