import type { Queryable } from '../../platform/db';
import type { PatientSettings } from './patients.settings';

export async function readSettings(db: Queryable, tenantId: string): Promise<Partial<PatientSettings> | undefined> {
  const result = await db.query<{ settings: Partial<PatientSettings> | string }>(
    'SELECT settings FROM patient_settings WHERE tenant_id = $1',
    [tenantId],
  );
  const stored = result.rows[0]?.settings;
  return typeof stored === 'string' ? (JSON.parse(stored) as Partial<PatientSettings>) : stored;
}

export async function writeSettings(db: Queryable, tenantId: string, settings: PatientSettings): Promise<void> {
  await db.query(
    `INSERT INTO patient_settings (tenant_id, settings, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [tenantId, JSON.stringify(settings)],
  );
}

/**
 * Draws `count` numbers of the tenant's sequence (starting at 1) and returns the last: the numbers are
 * last - count + 1 .. last. The counter row's lock serialises concurrent callers until they commit.
 */
export async function advanceMrnSequence(db: Queryable, tenantId: string, count: number): Promise<number> {
  const result = await db.query<{ last_value: string | number }>(
    `INSERT INTO patient_mrn_counter (tenant_id, last_value) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET last_value = patient_mrn_counter.last_value + EXCLUDED.last_value
     RETURNING last_value`,
    [tenantId, count],
  );
  return Number(result.rows[0]!.last_value);
}

/** Records many numbers as issued, one per patient; returns those that were new (the others were taken). */
export async function claimMrns(
  db: Queryable,
  tenantId: string,
  claims: { value: string; patientId: string }[],
): Promise<Set<string>> {
  if (!claims.length) return new Set();
  const result = await db.query<{ value: string }>(
    `INSERT INTO patient_mrn (tenant_id, value, patient_id)
     SELECT $1, v, p FROM unnest($2::text[], $3::text[]) AS t(v, p)
     ON CONFLICT (tenant_id, value) DO NOTHING RETURNING value`,
    [tenantId, claims.map((claim) => claim.value), claims.map((claim) => claim.patientId)],
  );
  return new Set(result.rows.map((row) => row.value));
}

/** Records `value` as issued to the patient; false when the number was ever issued to another patient. */
export async function claimMrn(db: Queryable, tenantId: string, value: string, patientId: string): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO patient_mrn (tenant_id, value, patient_id) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, value) DO NOTHING RETURNING value`,
    [tenantId, value, patientId],
  );
  if (result.rows.length === 1) return true;
  const holder = await db.query<{ patient_id: string }>(
    'SELECT patient_id FROM patient_mrn WHERE tenant_id = $1 AND value = $2',
    [tenantId, value],
  );
  return holder.rows[0]?.patient_id === patientId;
}

/** Replaces the blocking keys of the given patients (an empty key list removes a patient's keys). */
export async function replaceMatchKeys(
  db: Queryable,
  tenantId: string,
  patients: { id: string; keys: string[] }[],
): Promise<void> {
  if (!patients.length) return;
  await db.query('DELETE FROM patient_match_key WHERE tenant_id = $1 AND patient_id = ANY($2::text[])', [
    tenantId,
    patients.map((patient) => patient.id),
  ]);
  const keys: string[] = [];
  const ids: string[] = [];
  for (const patient of patients) {
    for (const key of patient.keys) {
      keys.push(key);
      ids.push(patient.id);
    }
  }
  if (!keys.length) return;
  await db.query(
    `INSERT INTO patient_match_key (tenant_id, key, patient_id)
     SELECT $1, k, p FROM unnest($2::text[], $3::text[]) AS t(k, p) ON CONFLICT DO NOTHING`,
    [tenantId, keys, ids],
  );
}

/** Patients sharing the most blocking keys with `keys`, best first. */
export async function findByMatchKeys(
  db: Queryable,
  tenantId: string,
  keys: string[],
  limit: number,
): Promise<{ patientId: string; hits: number }[]> {
  if (!keys.length) return [];
  const result = await db.query<{ patient_id: string; hits: string | number }>(
    `SELECT patient_id, count(*) AS hits FROM patient_match_key
     WHERE tenant_id = $1 AND key = ANY($2::text[])
     GROUP BY patient_id ORDER BY hits DESC, patient_id LIMIT $3`,
    [tenantId, keys, limit],
  );
  return result.rows.map((row) => ({ patientId: row.patient_id, hits: Number(row.hits) }));
}

export interface MovedResource {
  resourceType: string;
  id: string;
  /** The version before the merge rewrote it, and the version the merge wrote. */
  fromVersion: string;
  toVersion: string;
  /** JSON paths (dotted, with indexes) of the references that moved. */
  paths: string[];
}

export interface MergeBefore {
  source: { versionId: string; active?: boolean };
  target: { versionId: string };
  /** Versions the merge wrote for the two patients. */
  sourceVersion: string;
  targetVersion: string;
}

export interface MergeRecord {
  id: string;
  sourceId: string;
  targetId: string;
  mergedAt: string;
  mergedBy: string | null;
  moved: MovedResource[];
  before: MergeBefore;
  undoneAt: string | null;
  undoneBy: string | null;
}

interface MergeRow {
  id: string;
  source_id: string;
  target_id: string;
  merged_at: string | Date;
  merged_by: string | null;
  moved: MovedResource[] | string;
  before: MergeBefore | string;
  undone_at: string | Date | null;
  undone_by: string | null;
}

const iso = (value: string | Date | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();
const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toMerge(row: MergeRow): MergeRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    targetId: row.target_id,
    mergedAt: iso(row.merged_at)!,
    mergedBy: row.merged_by,
    moved: json(row.moved),
    before: json(row.before),
    undoneAt: iso(row.undone_at),
    undoneBy: row.undone_by,
  };
}

export async function insertMerge(db: Queryable, tenantId: string, merge: MergeRecord): Promise<void> {
  await db.query(
    `INSERT INTO patient_merge (tenant_id, id, source_id, target_id, merged_at, merged_by, moved, before)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    [
      tenantId,
      merge.id,
      merge.sourceId,
      merge.targetId,
      merge.mergedAt,
      merge.mergedBy,
      JSON.stringify(merge.moved),
      JSON.stringify(merge.before),
    ],
  );
}

export async function readMerge(
  db: Queryable,
  tenantId: string,
  id: string,
  forUpdate = false,
): Promise<MergeRecord | undefined> {
  const result = await db.query<MergeRow>(
    `SELECT id, source_id, target_id, merged_at, merged_by, moved, before, undone_at, undone_by
     FROM patient_merge WHERE tenant_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return result.rows[0] ? toMerge(result.rows[0]) : undefined;
}

export async function markMergeUndone(
  db: Queryable,
  tenantId: string,
  id: string,
  at: string,
  by: string | null,
): Promise<void> {
  await db.query('UPDATE patient_merge SET undone_at = $3, undone_by = $4 WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
    at,
    by,
  ]);
}
