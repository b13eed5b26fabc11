import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, localAdmin, newTenantId, type TestApp } from '../../../test/test-app';
import { GENESIS_HASH, hashAuditRecord } from './audit.chain';

let app: TestApp;
let clock = new Date('2030-01-01T00:00:00.000Z');

beforeAll(async () => {
  app = await createTestApp({}, { now: () => clock });
});
afterAll(async () => app?.close());

const DAY = 24 * 3600 * 1000;

/** FHIR calls as the local CLI (a system principal) for a tenant: its token never expires, whatever the clock says. */
function cli(tenantId: string) {
  const headers = {
    authorization: `Bearer ${app.localAdminToken}`,
    'x-meridian-tenant': tenantId,
    'content-type': 'application/fhir+json',
  };
  return {
    send: (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      app.app.inject({
        method,
        url: `${FHIR}/${path}`,
        headers,
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
  };
}

type Verify = {
  ok: boolean;
  tenants: {
    tenantId: string;
    ok: boolean;
    records: number;
    staged: number;
    purgedTo?: number;
    keyedFrom?: number;
    problem?: { kind: string; seq: number; message: string };
  }[];
};
const verify = async (tenantId: string) =>
  (await localAdmin<Verify>(app, `audit/verify?tenant=${tenantId}`)).tenants[0]!;
const owner = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  app.db.asOwner(async (db) => (await db.query<T>(sql, params)).rows);

describe('writes are audited in their own transaction', () => {
  it('records each write once, chained before the answer leaves', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    const created = await api.send('POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Once' }] });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    // Nothing left in staging, and exactly one record of the create.
    expect(await owner('SELECT 1 FROM audit_staged WHERE tenant_id = $1', [tenantId])).toEqual([]);
    const rows = await owner<{ action: string; client_id: string; patient_id: string }>(
      'SELECT action, client_id, patient_id FROM audit_event WHERE tenant_id = $1 AND resource_id = $2',
      [tenantId, id],
    );
    expect(rows).toEqual([{ action: 'create', client_id: 'meridian-cli', patient_id: id }]);
  });

  it('records every write of a transaction Bundle, and the Bundle itself, and nothing of one rolled back', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    const entry = (family: string) => ({
      fullUrl: `urn:uuid:${crypto.randomUUID()}`,
      resource: { resourceType: 'Patient', name: [{ family }] },
      request: { method: 'POST', url: 'Patient' },
    });
    const ok = await api.send('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry('A'), entry('B')],
    });
    expect(ok.statusCode).toBe(200);
    const failed = await api.send('POST', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry('C'), { request: { method: 'DELETE', url: 'Patient/does-not-exist' } }],
    });
    expect(failed.statusCode).toBe(404);
    // The Bundles' own records (accesses, like reads) are chained just after their answers.
    await app.audit.settled();
    const rows = await owner<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_event WHERE tenant_id = $1 GROUP BY action ORDER BY action`,
      [tenantId],
    );
    expect(rows).toEqual([
      { action: 'create', n: 2 },
      { action: 'transaction', n: 2 },
    ]);
    expect((await verify(tenantId)).ok).toBe(true);
  });

  it('does not commit a change whose audit record cannot be staged', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged RENAME TO audit_staged_unavailable'));
    try {
      const res = await api.send('POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Unrecorded' }] });
      expect(res.statusCode).toBe(500);
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_staged_unavailable RENAME TO audit_staged'));
    }
    const stored = await owner('SELECT 1 FROM fhir_resource WHERE tenant_id = $1', [tenantId]);
    expect(stored).toEqual([]);
  });

  it('chains records left staged by a crash, and verify counts them meanwhile', async () => {
    const tenantId = newTenantId();
    await app.tenants.ensure(tenantId, 'Crash clinic');
    // A change committed with its staged record, then the process died before chaining it.
    await app.db.transaction(tenantId, (tx) =>
      tx.query(
        `INSERT INTO audit_staged (tenant_id, id, recorded_at, action, outcome, resource_type, resource_id)
         VALUES ($1, $2, $3, 'update', 'success', 'Patient', 'p1')`,
        [tenantId, crypto.randomUUID(), clock.toISOString()],
      ),
    );
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 1, records: 0 });
    // Any later batch of the tenant (here: a read's record) chains it first; the sweeper does the same.
    await cli(tenantId).send('GET', 'Patient/p1');
    const report = await verify(tenantId);
    expect(report).toMatchObject({ ok: true, staged: 0, records: 2 });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'does not hold the tenant’s chain while a write transaction is open',
    async () => {
      const tenantId = newTenantId();
      await app.tenants.ensure(tenantId, 'Busy clinic');
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const writing = app.db.transaction(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO audit_staged (tenant_id, id, recorded_at, action, outcome) VALUES ($1, $2, now(), 'create', 'success')`,
          [tenantId, crypto.randomUUID()],
        );
        await held;
      });
      // A read is recorded (and its chain head locked and released) while the write is still open.
      const read = await cli(tenantId).send('GET', 'Patient?name=x');
      expect(read.statusCode).toBe(200);
      release();
      await writing;
    },
  );
});

describe('reads and writes of one tenant', () => {
  it('are chained in the order they were answered, even when chained later and within one instant', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    const created = await api.send('POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Order' }] });
    const id = created.json().id as string;
    // The chain cannot be written for a while, so every record waits in staging; the clock stands still,
    // so they all carry the same instant and only their staging order can keep them in sequence.
    await app.audit.settled();
    await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event RENAME TO audit_event_unavailable'));
    try {
      expect((await api.send('GET', `Patient/${id}`)).statusCode).toBe(200);
      expect((await api.send('GET', 'Patient?name=Order')).statusCode).toBe(200);
      const updated = await api.send('PUT', `Patient/${id}`, {
        resourceType: 'Patient',
        id,
        name: [{ family: 'Order' }],
      });
      expect(updated.statusCode).toBe(200);
      expect((await api.send('GET', `Patient/${id}/_history`)).statusCode).toBe(200);
      expect((await api.send('GET', `Patient/${id}`)).statusCode).toBe(200);
      expect((await api.send('DELETE', `Patient/${id}`)).statusCode).toBeLessThan(300);
      expect((await api.send('GET', `Patient/${id}`)).statusCode).toBe(410);
      await app.audit.settled();
    } finally {
      await app.db.asOwner((db) => db.exec('ALTER TABLE audit_event_unavailable RENAME TO audit_event'));
    }
    await app.audit.chainStaged(tenantId);
    const rows = await owner<{ action: string }>('SELECT action FROM audit_event WHERE tenant_id = $1 ORDER BY seq', [
      tenantId,
    ]);
    expect(rows.map((row) => row.action)).toEqual([
      'create',
      'read',
      'search',
      'update',
      'history',
      'read',
      'delete',
      'read',
    ]);
    expect(await verify(tenantId)).toMatchObject({ ok: true, staged: 0, records: 8 });
  });
});

describe('the keyed chain', () => {
  it('cannot be recomputed with database rights alone', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    await api.send('POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Keyed' }] });
    await api.send('GET', 'Patient?name=Keyed');
    // Rewrite record 1 and recompute its hash the only way someone without the key can: plain SHA-256.
    const [row] = await owner<Record<string, any>>(
      `SELECT id, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, action,
         outcome, user_id, client_id, roles, patient_id, resource_type, resource_id, status, ip, purpose_of_use,
         request_id, detail, prev_hash FROM audit_event WHERE tenant_id = $1 AND seq = 1`,
      [tenantId],
    );
    const forged = hashAuditRecord({
      tenantId,
      id: row!.id,
      recordedAt: row!.recorded_at,
      action: 'read',
      outcome: row!.outcome,
      userId: row!.user_id,
      clientId: row!.client_id,
      roles: row!.roles,
      patientId: row!.patient_id,
      resourceType: row!.resource_type,
      resourceId: row!.resource_id,
      status: row!.status,
      ip: row!.ip,
      purposeOfUse: row!.purpose_of_use,
      requestId: row!.request_id,
      detail: row!.detail,
      prevHash: GENESIS_HASH,
    });
    await owner(`UPDATE audit_event SET action = 'read', hash = $2 WHERE tenant_id = $1 AND seq = 1`, [
      tenantId,
      forged,
    ]);
    expect((await verify(tenantId)).problem).toMatchObject({ kind: 'altered', seq: 1 });
  });

  it('keeps verifying chains written before the key, from a keyed-from checkpoint', async () => {
    const tenantId = newTenantId();
    await app.tenants.ensure(tenantId, 'Legacy clinic');
    // Two records as the unkeyed chain wrote them, and its head without a signature.
    let prevHash = GENESIS_HASH;
    for (const seq of [1, 2]) {
      const unhashed = {
        tenantId,
        id: crypto.randomUUID(),
        recordedAt: '2029-06-01T00:00:00.000Z',
        action: 'read',
        outcome: 'success' as const,
        userId: 'u1',
        clientId: null,
        roles: [],
        patientId: null,
        resourceType: 'Patient',
        resourceId: 'p1',
        status: 200,
        ip: null,
        purposeOfUse: null,
        requestId: null,
        detail: null,
        prevHash,
      };
      const hash = hashAuditRecord(unhashed);
      await owner(
        `INSERT INTO audit_event (tenant_id, seq, id, recorded_at, action, outcome, user_id, resource_type, resource_id,
           status, prev_hash, hash) VALUES ($1, $2, $3, $4, 'read', 'success', 'u1', 'Patient', 'p1', 200, $5, $6)`,
        [tenantId, seq, unhashed.id, unhashed.recordedAt, prevHash, hash],
      );
      prevHash = hash;
    }
    await owner('INSERT INTO audit_chain_head (tenant_id, seq, hash) VALUES ($1, 2, $2)', [tenantId, prevHash]);
    expect((await verify(tenantId)).ok).toBe(false);
    const { AuditService } = await import('./audit.service');
    const audit = new AuditService({
      db: app.db,
      key: Buffer.from(app.config.auditHmacKey!),
      retentionDays: 2555,
      now: () => clock,
    });
    expect(await audit.keyLegacyChains()).toBe(1);
    await cli(tenantId).send('GET', 'Patient/p1');
    expect(await verify(tenantId)).toMatchObject({ ok: true, records: 3, keyedFrom: 3 });
    // Removing the checkpoint (to pass keyed records off as legacy ones) is noticed.
    await owner(`DELETE FROM audit_checkpoint WHERE tenant_id = $1`, [tenantId]);
    expect((await verify(tenantId)).problem).toMatchObject({ kind: 'altered', seq: 1 });
  });
});

describe('retention', () => {
  it('purges only expired records, leaves a checkpoint, and the rest still verifies', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    clock = new Date('2030-01-01T00:00:00.000Z');
    await api.send('POST', 'Patient', { resourceType: 'Patient', id: 'old', name: [{ family: 'Old' }] });
    await api.send('GET', 'Patient?name=Old');
    await api.send('GET', 'Patient?name=Old');
    const purge = (query = '') =>
      localAdmin<{ removed: number; tenants: { removed: number; throughSeq?: number }[] }>(
        app,
        `audit/purge?tenant=${tenantId}${query}`,
      );
    // Nothing has expired yet: nothing goes.
    clock = new Date(clock.getTime() + 2554 * DAY);
    expect((await purge()).removed).toBe(0);

    clock = new Date(Date.parse('2030-01-01T00:00:00.000Z') + 2556 * DAY);
    await api.send('GET', 'Patient?name=New');
    await api.send('GET', 'Patient?name=New');
    expect((await purge('&dryRun=true')).tenants[0]).toMatchObject({ removed: 3, throughSeq: 3 });
    expect(await owner('SELECT seq FROM audit_event WHERE tenant_id = $1', [tenantId])).toHaveLength(5);
    expect((await purge()).tenants[0]).toMatchObject({ removed: 3, throughSeq: 3 });

    const left = await owner<{ seq: string }>('SELECT seq FROM audit_event WHERE tenant_id = $1 ORDER BY seq', [
      tenantId,
    ]);
    expect(left.map((row) => Number(row.seq))).toEqual([4, 5]);
    expect(await verify(tenantId)).toMatchObject({ ok: true, records: 2, purgedTo: 3 });

    // Tampering after the purge is still caught, and so is a forged checkpoint.
    await owner(`UPDATE audit_event SET user_id = 'someone' WHERE tenant_id = $1 AND seq = 5`, [tenantId]);
    expect((await verify(tenantId)).problem).toMatchObject({ kind: 'altered', seq: 5 });
    await owner(`UPDATE audit_event SET user_id = NULL WHERE tenant_id = $1 AND seq = 5`, [tenantId]);
    expect((await verify(tenantId)).ok).toBe(true);
    await owner(`UPDATE audit_checkpoint SET seq = 4 WHERE tenant_id = $1 AND kind = 'purged-to'`, [tenantId]);
    expect((await verify(tenantId)).problem?.message).toMatch(/checkpoint/);
  });

  it('never removes an unexpired record, even after an expired one that follows it', async () => {
    const tenantId = newTenantId();
    const api = cli(tenantId);
    clock = new Date('2040-01-01T00:00:00.000Z');
    await api.send('GET', 'Patient?name=A');
    await app.audit.settled();
    // A record staged long ago but chained now (a crash) sits after a recent one.
    await app.db.transaction(tenantId, (tx) =>
      tx.query(
        `INSERT INTO audit_staged (tenant_id, id, recorded_at, action, outcome) VALUES ($1, $2, $3, 'update', 'success')`,
        [tenantId, crypto.randomUUID(), '2020-01-01T00:00:00.000Z'],
      ),
    );
    await api.send('GET', 'Patient?name=B');
    await app.audit.settled();
    const rows = await owner<{ seq: string; action: string }>(
      'SELECT seq, action FROM audit_event WHERE tenant_id = $1 ORDER BY seq',
      [tenantId],
    );
    expect(rows.map((row) => row.action)).toEqual(['search', 'update', 'search']);
    const report = await localAdmin<{ removed: number }>(app, `audit/purge?tenant=${tenantId}`);
    expect(report.removed).toBe(0);
    // The app's database role cannot delete audit rows itself.
    await expect(app.db.transaction(tenantId, (tx) => tx.query('DELETE FROM audit_event'))).rejects.toThrow(
      /permission denied/,
    );
  });
});
