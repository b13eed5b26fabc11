import type { Queryable } from '../../platform/db';
import { scopeSql, type TypeScope } from './access';

/** One stored version of a resource, as the tables hold it. */
export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  deleted: boolean;
  /** The resource JSON as served, or null for a deletion. */
  content: string | null;
  method?: string;
}

interface VersionRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: string;
  deleted: boolean;
  content: string | null;
  method?: string;
}

function toStored(row: VersionRow): StoredVersion {
  return {
    resourceType: row.resource_type,
    id: row.id,
    versionId: Number(row.version_id),
    lastUpdated: new Date(row.last_updated).toISOString(),
    deleted: row.deleted,
    content: row.content,
    ...(row.method ? { method: row.method } : {}),
  };
}

const CURRENT_COLUMNS = 'resource_type, id, version_id, last_updated, deleted, content';

export async function readCurrent(
  db: Queryable,
  tenantId: string,
  type: string,
  id: string,
  forUpdate = false,
): Promise<StoredVersion | undefined> {
  const result = await db.query<VersionRow>(
    `SELECT ${CURRENT_COLUMNS} FROM fhir_resource WHERE tenant_id = $1 AND resource_type = $2 AND id = $3${
      forUpdate ? ' FOR UPDATE' : ''
    }`,
    [tenantId, type, id],
  );
  const row = result.rows[0];
  return row ? toStored(row) : undefined;
}

export async function readVersion(
  db: Queryable,
  tenantId: string,
  type: string,
  id: string,
  versionId: number,
): Promise<StoredVersion | undefined> {
  const result = await db.query<VersionRow>(
    `SELECT ${CURRENT_COLUMNS}, method FROM fhir_resource_history
     WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4`,
    [tenantId, type, id, versionId],
  );
  const row = result.rows[0];
  return row ? toStored(row) : undefined;
}

/** Reads the current versions of many resources of mixed types in one statement; deleted ones are left out. */
export async function readMany(
  db: Queryable,
  tenantId: string,
  refs: { resourceType: string; id: string }[],
): Promise<StoredVersion[]> {
  if (!refs.length) return [];
  const result = await db.query<VersionRow>(
    `SELECT ${CURRENT_COLUMNS} FROM fhir_resource
     WHERE tenant_id = $1 AND (resource_type, id) IN (SELECT * FROM unnest($2::text[], $3::text[])) AND NOT deleted`,
    [tenantId, refs.map((ref) => ref.resourceType), refs.map((ref) => ref.id)],
  );
  return result.rows.map(toStored);
}

/**
 * Writes a new version: the current row is inserted or replaced and the version appended to history.
 * `expectNew` inserts only when no current row exists and reports false when another writer got there first.
 */
export async function writeVersion(
  db: Queryable,
  tenantId: string,
  version: StoredVersion & { method: string },
  expectNew: boolean,
): Promise<boolean> {
  const params = [
    tenantId,
    version.resourceType,
    version.id,
    version.versionId,
    version.lastUpdated,
    version.deleted,
    version.content,
  ];
  if (expectNew) {
    const inserted = await db.query(
      `INSERT INTO fhir_resource (tenant_id, resource_type, id, version_id, last_updated, deleted, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      params,
    );
    if (inserted.rowCount === 0) return false;
  } else {
    await db.query(
      `UPDATE fhir_resource SET version_id = $4, last_updated = $5, deleted = $6, content = $7
       WHERE tenant_id = $1 AND resource_type = $2 AND id = $3`,
      params,
    );
  }
  await db.query(
    `INSERT INTO fhir_resource_history (tenant_id, resource_type, id, version_id, last_updated, deleted, content, method)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [...params, version.method],
  );
  return true;
}

/**
 * Current rows of many resources, deleted ones included, locked until the transaction ends, in key order so
 * two bulk writes over the same resources wait for each other instead of deadlocking.
 */
export async function readCurrentForUpdate(
  db: Queryable,
  tenantId: string,
  refs: { resourceType: string; id: string }[],
): Promise<StoredVersion[]> {
  if (!refs.length) return [];
  const result = await db.query<VersionRow>(
    `SELECT ${CURRENT_COLUMNS} FROM fhir_resource
     WHERE tenant_id = $1 AND (resource_type, id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
     ORDER BY resource_type, id FOR UPDATE`,
    [tenantId, refs.map((ref) => ref.resourceType), refs.map((ref) => ref.id)],
  );
  return result.rows.map(toStored);
}

/**
 * Writes many new versions in three statements (new rows, replaced rows, history) instead of two or
 * three per version: bulk loads are bound by round trips. Versions with `expectNew` are inserted only
 * where no current row exists; the keys (`Type/id`) of those another writer created first are returned
 * and nothing is written for them, so the caller must roll back.
 */
export async function writeVersions(
  db: Queryable,
  tenantId: string,
  versions: (StoredVersion & { method: string; expectNew: boolean })[],
): Promise<string[]> {
  if (!versions.length) return [];
  const columns = (list: typeof versions) => [
    list.map((v) => v.resourceType),
    list.map((v) => v.id),
    list.map((v) => v.versionId),
    list.map((v) => v.lastUpdated),
    list.map((v) => v.deleted),
    list.map((v) => v.content),
  ];
  const fresh = versions.filter((v) => v.expectNew);
  const replaced = versions.filter((v) => !v.expectNew);
  const conflicts: string[] = [];
  if (fresh.length) {
    const inserted = await db.query<{ resource_type: string; id: string }>(
      `INSERT INTO fhir_resource (tenant_id, resource_type, id, version_id, last_updated, deleted, content)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::boolean[], $7::text[])
       ON CONFLICT DO NOTHING RETURNING resource_type, id`,
      [tenantId, ...columns(fresh)],
    );
    if (inserted.rows.length !== fresh.length) {
      const written = new Set(inserted.rows.map((row) => `${row.resource_type}/${row.id}`));
      for (const v of fresh) if (!written.has(`${v.resourceType}/${v.id}`)) conflicts.push(`${v.resourceType}/${v.id}`);
      return conflicts;
    }
  }
  if (replaced.length) {
    await db.query(
      `UPDATE fhir_resource AS r SET version_id = v.version_id, last_updated = v.last_updated, deleted = v.deleted,
         content = v.content
       FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::boolean[], $7::text[])
         AS v(resource_type, id, version_id, last_updated, deleted, content)
       WHERE r.tenant_id = $1 AND r.resource_type = v.resource_type AND r.id = v.id`,
      [tenantId, ...columns(replaced)],
    );
  }
  await db.query(
    `INSERT INTO fhir_resource_history (tenant_id, resource_type, id, version_id, last_updated, deleted, content, method)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::boolean[], $7::text[],
       $8::text[])`,
    [tenantId, ...columns(versions), versions.map((v) => v.method)],
  );
  return conflicts;
}

/**
 * Replaces the content of the current version in place, in both the current row and its history row,
 * without a new version: only for changes the spec says are not versioned ($meta-add, $meta-delete).
 */
export async function rewriteCurrentVersion(
  db: Queryable,
  tenantId: string,
  version: { resourceType: string; id: string; versionId: number; content: string },
): Promise<void> {
  const params = [tenantId, version.resourceType, version.id, version.versionId, version.content];
  await db.query(
    `UPDATE fhir_resource SET content = $5
     WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4`,
    params,
  );
  await db.query(
    `UPDATE fhir_resource_history SET content = $5
     WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4`,
    params,
  );
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: string;
  /** Only versions written before this instant (paging cursor and `_at`-like bounds). */
  before?: { lastUpdated: string; resourceType: string; id: string; versionId: number };
  count: number;
  /** What the caller may see (types, and the patients of patient-specific types); absent: everything. */
  scope?: TypeScope;
}

/** Newest first, ordered by (last_updated, type, id, version) so a cursor resumes exactly where a page ended. */
export async function readHistory(db: Queryable, tenantId: string, query: HistoryQuery): Promise<StoredVersion[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (query.resourceType) add((n) => `resource_type = $${n}`, query.resourceType);
  if (query.id) add((n) => `id = $${n}`, query.id);
  if (query.since) add((n) => `last_updated >= $${n}`, query.since);
  if (query.before) {
    const b = query.before;
    params.push(b.lastUpdated, b.resourceType, b.id, b.versionId);
    const n = params.length;
    where.push(`(last_updated, resource_type, id, version_id) < ($${n - 3}, $${n - 2}, $${n - 1}, $${n})`);
  }
  if (query.scope) {
    where.push(
      scopeSql(query.scope, 'h', (value) => {
        params.push(value);
        return `$${params.length}`;
      }),
    );
  }
  params.push(query.count);
  const result = await db.query<VersionRow>(
    `SELECT ${CURRENT_COLUMNS}, method FROM fhir_resource_history h WHERE ${where.join(' AND ')}
     ORDER BY last_updated DESC, resource_type DESC, id DESC, version_id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(toStored);
}

export async function countHistory(db: Queryable, tenantId: string, query: HistoryQuery): Promise<number> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  if (query.resourceType) {
    params.push(query.resourceType);
    where.push(`resource_type = $${params.length}`);
  }
  if (query.id) {
    params.push(query.id);
    where.push(`id = $${params.length}`);
  }
  if (query.since) {
    params.push(query.since);
    where.push(`last_updated >= $${params.length}`);
  }
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM fhir_resource_history WHERE ${where.join(' AND ')}`,
    params,
  );
  return Number(result.rows[0]?.n ?? 0);
}
