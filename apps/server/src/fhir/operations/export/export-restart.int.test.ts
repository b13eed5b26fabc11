import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../../test/test-app';
import { buildApp } from '../../../app';
import { OperationRegistry } from '../operation-registry';
import { deleteJob, insertJob, readJob } from './export-job.store';
import { registerBulkExport } from './index';

let app: TestApp;
let exportDir: string;
let tenant: string;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  exportDir = mkdtempSync(join(tmpdir(), 'meridian-export-restart-'));
  app = await createTestApp({ exportDir });
  tenant = newTenantId();
  fhir = fhirClient(app, tenant);
  for (let i = 0; i < 7; i++) await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: `P${i}` }] });
});

afterAll(async () => {
  await app?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

/** A job as a process that died mid-export leaves it: in progress, heartbeat long stopped. */
async function orphanedJob(attempts: number): Promise<string> {
  const id = crypto.randomUUID();
  await app.db.transaction(tenant, async (tx) => {
    await insertJob(tx, {
      tenantId: tenant,
      id,
      level: 'system',
      groupId: null,
      types: ['Patient'],
      since: null,
      requestUrl: 'http://localhost:8080/fhir/R4/$export?_type=Patient',
      transactionTime: new Date().toISOString(),
    });
    await tx.query(
      `UPDATE fhir_export_job SET status = 'in-progress', attempts = $3, heartbeat_at = now() - interval '1 hour'
       WHERE tenant_id = $1 AND id = $2`,
      [tenant, id, attempts],
    );
  });
  return id;
}

async function pollStatus(client: ReturnType<typeof fhirClient>, id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await client.get(`$export-status/${id}`);
    if (res.statusCode !== 202) return res;
    if (Date.now() > deadline) throw new Error('export did not finish');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('durable export jobs', () => {
  it('a restarted server picks up a job a dead process left in progress and finishes it', async () => {
    const id = await orphanedJob(1);
    const restarted = await buildApp(app.config, { db: app.db });
    try {
      await restarted.app.ready();
      const client = fhirClient({ ...app, app: restarted.app }, tenant);
      const done = await pollStatus(client, id);
      expect(done.statusCode).toBe(200);
      const manifest = done.json() as { output: { type: string; count: number }[] };
      expect(manifest.output).toEqual([expect.objectContaining({ type: 'Patient', count: 7 })]);
    } finally {
      await restarted.app.close();
    }
  });

  it('gives up on a job that was interrupted too often, and says so', async () => {
    const id = await orphanedJob(3);
    const restarted = await buildApp(app.config, { db: app.db });
    try {
      await restarted.app.ready();
      const client = fhirClient({ ...app, app: restarted.app }, tenant);
      const failed = await pollStatus(client, id);
      expect(failed.statusCode).toBe(500);
      const outcome = failed.json() as OperationOutcome;
      expect(outcome.issue[0]?.diagnostics).toContain('interrupted');
    } finally {
      await restarted.app.close();
    }
  });

  it('reads in keyset pages and splits large outputs into several files', async () => {
    const operations = new OperationRegistry();
    const dir = mkdtempSync(join(tmpdir(), 'meridian-export-pages-'));
    const worker = registerBulkExport(operations, {
      db: app.db,
      repository: app.fhir.repository,
      exportDir: dir,
      now: () => new Date(),
      worker: { pageSize: 2, fileLimit: 3 },
    });
    const id = crypto.randomUUID();
    await app.db.transaction(tenant, (tx) =>
      insertJob(tx, {
        tenantId: tenant,
        id,
        level: 'system',
        groupId: null,
        types: ['Patient'],
        since: null,
        requestUrl: 'http://localhost:8080/fhir/R4/$export',
        transactionTime: new Date().toISOString(),
      }),
    );
    try {
      await worker.start();
      worker.enqueue(tenant, id);
      await worker.idle();
      const job = await app.db.withTenant(tenant, (db) => readJob(db, tenant, id));
      expect(job?.status).toBe('completed');
      const manifest = JSON.parse(job!.manifest!) as { output: { file: string; count: number }[] };
      expect(manifest.output.map((file) => file.count)).toEqual([3, 3, 1]);
      const folder = join(dir, tenant, id);
      expect(readdirSync(folder).sort()).toEqual(['Patient-1.ndjson', 'Patient-2.ndjson', 'Patient-3.ndjson']);
      const ids = readdirSync(folder).flatMap((file) =>
        readFileSync(join(folder, file), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as Patient).id),
      );
      expect(new Set(ids).size).toBe(7);
    } finally {
      await worker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a job stopped by shutdown is released and finished by the next start, never lost', async () => {
    const operations = new OperationRegistry();
    const dir = mkdtempSync(join(tmpdir(), 'meridian-export-stop-'));
    const options = {
      db: app.db,
      repository: app.fhir.repository,
      exportDir: dir,
      now: () => new Date(),
      worker: { pageSize: 1 },
    };
    const first = registerBulkExport(operations, options);
    const id = crypto.randomUUID();
    await app.db.transaction(tenant, (tx) =>
      insertJob(tx, {
        tenantId: tenant,
        id,
        level: 'system',
        groupId: null,
        types: null,
        since: null,
        requestUrl: 'http://localhost:8080/fhir/R4/$export',
        transactionTime: new Date().toISOString(),
      }),
    );
    try {
      await first.start();
      first.enqueue(tenant, id);
      await first.stop();
      const stopped = await app.db.withTenant(tenant, (db) => readJob(db, tenant, id));
      expect(['in-progress', 'completed']).toContain(stopped?.status);
      if (stopped?.status === 'in-progress') expect(stopped.progress).toContain('Interrupted');

      const second = registerBulkExport(new OperationRegistry(), options);
      await second.start();
      await second.idle();
      await second.stop();
      const finished = await app.db.withTenant(tenant, (db) => readJob(db, tenant, id));
      expect(finished?.status).toBe('completed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a job deleted while it runs stops and leaves no files behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-export-cancel-'));
    const worker = registerBulkExport(new OperationRegistry(), {
      db: app.db,
      repository: app.fhir.repository,
      exportDir: dir,
      now: () => new Date(),
      worker: { pageSize: 1 },
    });
    // A tenant of its own with enough patients that a page-by-page export is still running when deleted.
    const busy = newTenantId();
    const busyFhir = fhirClient(app, busy);
    for (let i = 0; i < 60; i++)
      await busyFhir.create<Patient>({ resourceType: 'Patient', name: [{ family: `B${i}` }] });
    const id = crypto.randomUUID();
    await app.db.transaction(busy, (tx) =>
      insertJob(tx, {
        tenantId: busy,
        id,
        level: 'system',
        groupId: null,
        types: ['Patient'],
        since: null,
        requestUrl: 'http://localhost:8080/fhir/R4/$export',
        transactionTime: new Date().toISOString(),
      }),
    );
    try {
      await worker.start();
      worker.enqueue(busy, id);
      // Delete once the worker has claimed the job and begun writing files.
      for (let i = 0; i < 500; i++) {
        const job = await app.db.withTenant(busy, (db) => readJob(db, busy, id));
        if (job?.status === 'in-progress' && existsSync(join(dir, busy, id))) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const job = await app.db.withTenant(busy, (db) => readJob(db, busy, id));
      expect(job?.status).toBe('in-progress');
      await app.db.transaction(busy, (tx) => deleteJob(tx, busy, id));
      await worker.idle();
      expect(await app.db.withTenant(busy, (db) => readJob(db, busy, id))).toBeUndefined();
      expect(existsSync(join(dir, busy, id))).toBe(false);
    } finally {
      await worker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
