import type { Queryable } from '../../platform/db';
import type { AuditCheckpoint } from './audit.chain';

/** Checkpoints, keying and retention of the chains. Everything here runs as the schema owner. */

interface CheckpointRow {
  tenant_id: string;
  kind: AuditCheckpoint['kind'];
  seq: number | string;
  hash: string;
  created_at: string;
  mac: string;
}

/** The checkpoint of each kind with the highest sequence number (the one verification starts from). */
export async function latestCheckpoints(
  db: Queryable,
  tenantId: string,
): Promise<Partial<Record<AuditCheckpoint['kind'], AuditCheckpoint>>> {
  const result = await db.query<CheckpointRow>(
    `SELECT DISTINCT ON (kind) tenant_id, kind, seq, hash,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, mac
     FROM audit_checkpoint WHERE tenant_id = $1 ORDER BY kind, seq DESC`,
    [tenantId],
  );
  const found: Partial<Record<AuditCheckpoint['kind'], AuditCheckpoint>> = {};
  for (const row of result.rows) {
    found[row.kind] = {
      tenantId: row.tenant_id,
      kind: row.kind,
      seq: Number(row.seq),
      hash: row.hash,
      createdAt: row.created_at,
      mac: row.mac,
    };
  }
  return found;
}

/** Heads of chains begun before the audit key, with no keyed-from checkpoint yet. */
export async function unkeyedHeads(db: Queryable): Promise<{ tenantId: string; seq: number; hash: string }[]> {
  const result = await db.query<{ tenant_id: string; seq: number | string; hash: string }>(
    `SELECT h.tenant_id, h.seq, h.hash FROM audit_chain_head h
     WHERE h.mac IS NULL AND h.seq > 0
       AND NOT EXISTS (SELECT 1 FROM audit_checkpoint c WHERE c.tenant_id = h.tenant_id AND c.kind = 'keyed-from')`,
  );
  return result.rows.map((row) => ({ tenantId: row.tenant_id, seq: Number(row.seq), hash: row.hash }));
}

/**
 * Marks where a chain begun without a key ends and signs its head, in one statement (one statement is
 * atomic on both engines), provided the head has not moved since it was read.
 */
export async function keyChain(db: Queryable, checkpoint: AuditCheckpoint, headMac: string): Promise<boolean> {
  const result = await db.query(
    `WITH head AS (
       UPDATE audit_chain_head SET mac = $6
       WHERE tenant_id = $1 AND seq = $2 AND hash = $3 AND mac IS NULL RETURNING tenant_id)
     INSERT INTO audit_checkpoint (tenant_id, kind, seq, hash, created_at, mac)
     SELECT $1, 'keyed-from', $2, $3, $4, $5 FROM head`,
    [checkpoint.tenantId, checkpoint.seq, checkpoint.hash, checkpoint.createdAt, checkpoint.mac, headMac],
  );
  return result.rowCount > 0;
}

/** The last record that may be purged: every record up to it is older than `cutoff` (none after an unexpired one). */
export async function purgeBoundary(
  db: Queryable,
  tenantId: string,
  cutoff: string,
): Promise<{ seq: number; hash: string; count: number } | undefined> {
  const result = await db.query<{ seq: number | string; hash: string; count: number | string }>(
    `WITH first_kept AS (
       SELECT min(seq) AS seq FROM audit_event WHERE tenant_id = $1 AND recorded_at >= $2),
     last_expired AS (
       SELECT max(seq) AS seq FROM audit_event
       WHERE tenant_id = $1 AND recorded_at < $2
         AND seq < coalesce((SELECT seq FROM first_kept), 9223372036854775807))
     SELECT e.seq, e.hash,
       (SELECT count(*) FROM audit_event WHERE tenant_id = $1 AND seq <= e.seq) AS count
     FROM audit_event e, last_expired l WHERE e.tenant_id = $1 AND e.seq = l.seq`,
    [tenantId, cutoff],
  );
  const row = result.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash, count: Number(row.count) } : undefined;
}

/**
 * Removes records up to the checkpoint's sequence number and stores the checkpoint, in one statement.
 * The statement removes nothing (and stores nothing) if any of those records has not yet expired, so a
 * purge can never take an unexpired record.
 */
export async function purgeTo(db: Queryable, checkpoint: AuditCheckpoint, cutoff: string): Promise<number> {
  const result = await db.query<{ n: number | string }>(
    `WITH allowed AS (
       SELECT NOT EXISTS (
         SELECT 1 FROM audit_event WHERE tenant_id = $1 AND seq <= $2 AND recorded_at >= $6) AS ok),
     saved AS (
       INSERT INTO audit_checkpoint (tenant_id, kind, seq, hash, created_at, mac)
       SELECT $1, 'purged-to', $2, $3, $4, $5 FROM allowed WHERE ok
       ON CONFLICT DO NOTHING RETURNING seq),
     removed AS (
       DELETE FROM audit_event WHERE tenant_id = $1 AND seq <= $2 AND recorded_at < $6 AND (SELECT ok FROM allowed)
       RETURNING 1)
     SELECT count(*) AS n FROM removed`,
    [checkpoint.tenantId, checkpoint.seq, checkpoint.hash, checkpoint.createdAt, checkpoint.mac, cutoff],
  );
  return Number(result.rows[0]?.n ?? 0);
}
