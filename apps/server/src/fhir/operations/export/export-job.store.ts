import type { Queryable } from '../../../platform/db';
import type { RowFilter } from '../../core/access';

export type ExportStatus = 'accepted' | 'in-progress' | 'completed' | 'failed';
export type ExportLevel = 'system' | 'patient' | 'group';

export interface ExportJob {
  tenantId: string;
  id: string;
  status: ExportStatus;
  level: ExportLevel;
  groupId: string | null;
  types: string[] | null;
  since: string | null;
  requestUrl: string;
  transactionTime: string;
  progress: string | null;
  manifest: string | null;
  error: string | null;
  attempts: number;
  /** What the requester could read when they asked, per type (null: everything); the export keeps to it. */
  accessScope: Record<string, RowFilter> | null;
}

interface JobRow {
  tenant_id: string;
  id: string;
  status: ExportStatus;
  level: ExportLevel;
  group_id: string | null;
  types: string[] | null;
  since: string | null;
  request_url: string;
  transaction_time: string;
  progress: string | null;
  manifest: string | null;
  error: string | null;
  attempts: number;
  access_scope: string | null;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function toJob(row: JobRow): ExportJob {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    status: row.status,
    level: row.level,
    groupId: row.group_id,
    types: row.types,
    since: iso(row.since),
    requestUrl: row.request_url,
    transactionTime: iso(row.transaction_time)!,
    progress: row.progress,
    manifest: row.manifest,
    error: row.error,
    attempts: Number(row.attempts),
    accessScope: row.access_scope ? (JSON.parse(row.access_scope) as Record<string, RowFilter>) : null,
  };
}

const COLUMNS = `tenant_id, id, status, level, group_id, types, since, request_url, transaction_time, progress,
  manifest, error, attempts, access_scope`;

export async function insertJob(
  db: Queryable,
  job: Pick<
    ExportJob,
    'tenantId' | 'id' | 'level' | 'groupId' | 'types' | 'since' | 'requestUrl' | 'transactionTime'
  > & {
    accessScope?: ExportJob['accessScope'];
  },
): Promise<void> {
  await db.query(
    `INSERT INTO fhir_export_job (tenant_id, id, status, level, group_id, types, since, request_url, transaction_time,
       access_scope)
     VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $7, $8, $9)`,
    [
      job.tenantId,
      job.id,
      job.level,
      job.groupId,
      job.types,
      job.since,
      job.requestUrl,
      job.transactionTime,
      job.accessScope ? JSON.stringify(job.accessScope) : null,
    ],
  );
}

export async function readJob(db: Queryable, tenantId: string, id: string): Promise<ExportJob | undefined> {
  const result = await db.query<JobRow>(`SELECT ${COLUMNS} FROM fhir_export_job WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return result.rows[0] ? toJob(result.rows[0]) : undefined;
}

export async function deleteJob(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const result = await db.query('DELETE FROM fhir_export_job WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return result.rowCount > 0;
}

/**
 * Takes a job for this process: one not yet started, or one in progress whose heartbeat stopped (its
 * process died) or was released (its process shut down). Undefined when another process has it or it is done.
 */
export async function claimJob(
  db: Queryable,
  tenantId: string,
  id: string,
  staleSeconds: number,
): Promise<ExportJob | undefined> {
  const result = await db.query<JobRow>(
    `UPDATE fhir_export_job
     SET status = 'in-progress', attempts = attempts + 1, heartbeat_at = now(), progress = 'Starting'
     WHERE tenant_id = $1 AND id = $2 AND (status = 'accepted' OR (status = 'in-progress'
       AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $3))))
     RETURNING ${COLUMNS}`,
    [tenantId, id, staleSeconds],
  );
  return result.rows[0] ? toJob(result.rows[0]) : undefined;
}

/** Records progress; false when the job is gone (cancelled by DELETE) or no longer in progress. */
export async function heartbeat(db: Queryable, tenantId: string, id: string, progress: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE fhir_export_job SET heartbeat_at = now(), progress = $3
     WHERE tenant_id = $1 AND id = $2 AND status = 'in-progress'`,
    [tenantId, id, progress],
  );
  return result.rowCount > 0;
}

/** Gives a job back on shutdown so the next process starts it again at once. */
export async function releaseJob(db: Queryable, tenantId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE fhir_export_job SET heartbeat_at = NULL, progress = 'Interrupted; will restart'
     WHERE tenant_id = $1 AND id = $2 AND status = 'in-progress'`,
    [tenantId, id],
  );
}

export async function finishJob(
  db: Queryable,
  tenantId: string,
  id: string,
  outcome: { status: 'completed'; manifest: string } | { status: 'failed'; error: string },
): Promise<boolean> {
  const result = await db.query(
    `UPDATE fhir_export_job SET status = $3, manifest = $4, error = $5, heartbeat_at = now(), progress = NULL
     WHERE tenant_id = $1 AND id = $2 AND status = 'in-progress'`,
    [
      tenantId,
      id,
      outcome.status,
      outcome.status === 'completed' ? outcome.manifest : null,
      outcome.status === 'failed' ? outcome.error : null,
    ],
  );
  return result.rowCount > 0;
}

/** Jobs any process could take now, across tenants: run as the schema owner by the worker's sweep. */
export async function findClaimableJobs(
  ownerDb: Queryable,
  staleSeconds: number,
): Promise<{ tenantId: string; id: string }[]> {
  const result = await ownerDb.query<{ tenant_id: string; id: string }>(
    `SELECT tenant_id, id FROM fhir_export_job
     WHERE status = 'accepted' OR (status = 'in-progress'
       AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1)))
     ORDER BY created_at`,
    [staleSeconds],
  );
  return result.rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
}

/**
 * One keyset page of current resources of a type, in id order after `afterId`: written at or after
 * `since` (when given) and no later than the job's transaction time.
 */
export async function scanResources(
  db: Queryable,
  tenantId: string,
  query: { resourceType: string; since: string | null; until: string; afterId: string; limit: number },
): Promise<{ id: string; content: string }[]> {
  const result = await db.query<{ id: string; content: string }>(
    `SELECT id, content FROM fhir_resource
     WHERE tenant_id = $1 AND resource_type = $2 AND id > $3 AND NOT deleted AND last_updated <= $4
       AND ($5::timestamptz IS NULL OR last_updated >= $5::timestamptz)
     ORDER BY id LIMIT $6`,
    [tenantId, query.resourceType, query.afterId, query.until, query.since, query.limit],
  );
  return result.rows;
}
