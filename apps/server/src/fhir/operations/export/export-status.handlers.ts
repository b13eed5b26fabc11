import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { Database } from '../../../platform/db';
import { FhirError, issue } from '../../core/outcome';
import type { OperationResult, OperationRoute } from '../operation-registry';
import type { StoredOutput } from './export.worker';
import { deleteJob, readJob } from './export-job.store';
import { FILE_PATH, fileUrl, jobFolder, OUTPUT_FILE, STATUS_PATH } from './export-paths';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unknownJob = () =>
  new FhirError(404, [issue('not-found', 'No such export (it may have been cancelled or deleted)')], 'FHIR_NOT_FOUND');

/**
 * The status URL of a bulk export (poll with GET, cancel with DELETE) and its output files. Jobs are read
 * under the caller's tenant, so another tenant's job or file is simply not found.
 */
export function exportStatusRoutes(deps: { db: Database; exportDir: string }): OperationRoute[] {
  const load = async (tenantId: string, jobId: string | undefined) => {
    if (!jobId || !UUID.test(jobId)) throw unknownJob();
    const job = await deps.db.withTenant(tenantId, (db) => readJob(db, tenantId, jobId.toLowerCase()));
    if (!job) throw unknownJob();
    return job;
  };

  const status: OperationRoute = {
    method: 'GET',
    path: `${STATUS_PATH}/:jobId`,
    async handle({ ctx, params, baseUrl }): Promise<OperationResult> {
      const job = await load(ctx.tenantId, params.jobId);
      switch (job.status) {
        case 'accepted':
        case 'in-progress':
          return {
            status: 202,
            headers: {
              'x-progress': job.progress ?? (job.status === 'accepted' ? 'Queued' : 'In progress'),
              'retry-after': '2',
            },
          };
        case 'failed': {
          const outcome = JSON.parse(job.error ?? 'null') as OperationOutcome | null;
          return {
            status: 500,
            resource: outcome ?? { resourceType: 'OperationOutcome', issue: [issue('exception', 'The export failed')] },
          };
        }
        default: {
          const stored = JSON.parse(job.manifest!) as { output: StoredOutput[] } & Record<string, unknown>;
          const manifest = {
            ...stored,
            output: stored.output.map((file) => ({
              type: file.type,
              url: fileUrl(baseUrl, job.id, file.file),
              count: file.count,
            })),
          };
          return {
            status: 200,
            raw: { contentType: 'application/json; charset=utf-8', body: JSON.stringify(manifest) },
          };
        }
      }
    },
  };

  const cancel: OperationRoute = {
    method: 'DELETE',
    path: `${STATUS_PATH}/:jobId`,
    async handle({ ctx, params }): Promise<OperationResult> {
      const job = await load(ctx.tenantId, params.jobId);
      // Deleting the row is what a running job notices at its next page; it then removes its files too.
      await deps.db.transaction(ctx.tenantId, (db) => deleteJob(db, ctx.tenantId, job.id));
      await rm(jobFolder(deps.exportDir, ctx.tenantId, job.id), { recursive: true, force: true });
      return {
        status: 202,
        resource: {
          resourceType: 'OperationOutcome',
          issue: [issue('informational', 'The export was cancelled and its files removed', undefined, 'information')],
        },
      };
    },
  };

  const file: OperationRoute = {
    method: 'GET',
    path: `${FILE_PATH}/:jobId/:file`,
    async handle({ ctx, params }): Promise<OperationResult> {
      const job = await load(ctx.tenantId, params.jobId);
      const name = params.file ?? '';
      if (job.status !== 'completed' || !OUTPUT_FILE.test(name)) throw unknownJob();
      const path = join(jobFolder(deps.exportDir, ctx.tenantId, job.id), name);
      try {
        await stat(path);
      } catch {
        throw unknownJob();
      }
      return { status: 200, raw: { contentType: 'application/fhir+ndjson', body: createReadStream(path) } };
    },
  };

  return [status, cancel, file];
}
