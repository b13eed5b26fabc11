import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  createTestDatabase,
  fhirClient,
  localAdmin,
  newTenantId,
  signIn,
  type TestApp,
} from '../../../test/test-app';
import { buildApp } from '../../app';
import type { Database } from '../../platform/db';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const owner = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await app.db.asOwner((db) => db.query<T>(sql, params))).rows;
const count = async (table: 'audit_event' | 'audit_staged', tenantId: string, action = 'read') =>
  Number(
    (
      await owner<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND action = $2`, [
        tenantId,
        action,
      ])
    )[0]!.n,
  );
const verify = async (tenantId: string) =>
  (
    await localAdmin<{ tenants: { ok: boolean; staged: number; records: number }[] }>(
      app,
      `audit/verify?tenant=${tenantId}`,
    )
  ).tenants[0]!;

async function tenantWithPatient(family: string) {
  const tenantId = newTenantId();
  const fhir = fhirClient(app, tenantId);
  const patient = await fhir.create({ resourceType: 'Patient', name: [{ family }] });
  return { tenantId, fhir, patient };
}

describe('reads are recorded before their answer and chained after it', () => {
  it('chains a read in the background soon after it is answered, without anyone asking', async () => {
    const { tenantId, fhir, patient } = await tenantWithPatient('Soon');
    expect((await fhir.get(`Patient/${patient.id}`)).statusCode).toBe(200);
    await expect.poll(() => count('audit_event', tenantId), { timeout: 5000, interval: 20 }).toBe(1);
    expect(await count('audit_staged', tenantId)).toBe(0);
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 0, records: 2 });
  });

  it('answers once the record is committed, even while the chain cannot be written; nothing is lost', async () => {
    const { tenantId, fhir, patient } = await tenantWithPatient('Durable');
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event RENAME TO audit_event_unavailable'));
    try {
      const read = await fhir.get(`Patient/${patient.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.body).toContain('Durable');
      // The answer did not wait for the chain: its record is committed in staging.
      const staged = await owner<{ action: string; resource_id: string; status: number }>(
        'SELECT action, resource_id, status FROM audit_staged WHERE tenant_id = $1',
        [tenantId],
      );
      expect(staged).toEqual([{ action: 'read', resource_id: patient.id, status: 200 }]);
      await app.audit.settled();
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event_unavailable RENAME TO audit_event'));
    }
    // The auditor's view chains what is staged before answering: the read is listed.
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const trail = (
      await admin.request('GET', `/audit/events?patient=${patient.id}&action=read`)
    ).json() as Bundle<AuditEvent>;
    expect(trail.entry).toHaveLength(1);
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 0 });
  });

  it('withholds the answer when the read cannot be put on record', async () => {
    const { fhir, patient } = await tenantWithPatient('Withheld');
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged RENAME TO audit_staged_unavailable'));
    try {
      for (const path of [`Patient/${patient.id}`, 'Patient?name=Withheld']) {
        const res = await fhir.get(path);
        expect(res.statusCode).toBe(500);
        expect(res.body).not.toContain('Withheld');
        expect(res.json().resourceType).toBe('OperationOutcome');
        expect(res.headers.etag).toBeUndefined();
        expect(res.headers['last-modified']).toBeUndefined();
      }
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged_unavailable RENAME TO audit_staged'));
    }
    expect((await fhir.get(`Patient/${patient.id}`)).statusCode).toBe(200);
  });

  it('chains reads a process staged and never chained (it died) when the next one starts', async () => {
    const { tenantId, fhir, patient } = await tenantWithPatient('Crash');
    // The chain cannot be written, so the read's record stays staged, as if the process died after staging.
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event RENAME TO audit_event_unavailable'));
    try {
      expect((await fhir.get(`Patient/${patient.id}`)).statusCode).toBe(200);
      await app.audit.settled();
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event_unavailable RENAME TO audit_event'));
    }
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 1, records: 1 });
    // A restarted server's sweeper chains it at start.
    const restarted = await buildApp(app.config, { db: app.db });
    try {
      await restarted.app.ready();
      await expect.poll(() => count('audit_staged', tenantId), { timeout: 5000, interval: 20 }).toBe(0);
    } finally {
      await restarted.app.close();
    }
    expect(await count('audit_event', tenantId)).toBe(1);
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 0, records: 2 });
  });
});

describe('shutting down', () => {
  it('chains the reads answered before the close', async () => {
    const { db, drop } = await createTestDatabase();
    // Slow chaining once serving: a close that did not wait for it would leave the read staged.
    let serving = false;
    const slow: Database = {
      ...db,
      transaction: async (tenantId, work) => {
        if (serving) await new Promise((resolve) => setTimeout(resolve, 150));
        return db.transaction(tenantId, work);
      },
    };
    const built = await buildApp(app.config, { db: slow });
    try {
      await built.app.ready();
      serving = true;
      const tenantId = newTenantId();
      const read = await built.app.inject({
        method: 'GET',
        url: '/fhir/R4/Patient?name=Closing',
        headers: { 'x-meridian-tenant': tenantId },
      });
      expect(read.statusCode).toBe(200);
      await built.app.close();
      const rows = await db.asOwner(async (q) => ({
        chained: (await q.query(`SELECT 1 FROM audit_event WHERE tenant_id = $1 AND action = 'search'`, [tenantId]))
          .rows.length,
        staged: (await q.query('SELECT 1 FROM audit_staged WHERE tenant_id = $1', [tenantId])).rows.length,
      }));
      expect(rows).toEqual({ chained: 1, staged: 0 });
    } finally {
      await drop();
    }
  });
});
