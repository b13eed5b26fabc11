import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { type AuditOutcome, type AuditRecord, GENESIS_HASH, hashAuditRecord } from './audit.chain';

/** What a caller says about an event; the store adds the id, time, sequence number and hashes. */
export interface AuditInput {
  tenantId: string;
  action: string;
  outcome: AuditOutcome;
  userId?: string | undefined;
  clientId?: string | undefined;
  roles?: string[] | undefined;
  patientId?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  status?: number | undefined;
  ip?: string | undefined;
  purposeOfUse?: string | undefined;
  requestId?: string | undefined;
  detail?: string | undefined;
}

export interface AuditFilter {
  patientId?: string;
  userId?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

interface AuditRow {
  tenant_id: string;
  seq: number | string;
  id: string;
  recorded_at: string;
  action: string;
  outcome: AuditOutcome;
  user_id: string | null;
  client_id: string | null;
  roles: string[];
  patient_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  status: number | null;
  ip: string | null;
  purpose_of_use: string | null;
  request_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

// The instant exactly as it was hashed: UTC with milliseconds, whatever the session's time zone.
const COLUMNS = `tenant_id, seq, id,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
  action, outcome, user_id, client_id, roles, patient_id, resource_type, resource_id, status, ip,
  purpose_of_use, request_id, detail, prev_hash, hash`;

function fromRow(row: AuditRow): AuditRecord {
  return {
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    id: row.id,
    recordedAt: row.recorded_at,
    action: row.action,
    outcome: row.outcome,
    userId: row.user_id,
    clientId: row.client_id,
    roles: row.roles ?? [],
    patientId: row.patient_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    status: row.status === null ? null : Number(row.status),
    ip: row.ip,
    purposeOfUse: row.purpose_of_use,
    requestId: row.request_id,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends one record to the tenant's chain on an open transaction. Locking the chain's head row
 * serialises writers of one tenant, so two never link to the same previous record.
 */
export async function appendAuditRecord(tx: Queryable, input: AuditInput, now: Date): Promise<AuditRecord> {
  const [record] = await appendAuditRecords(tx, [input], now);
  return record!;
}

/**
 * Appends records of one tenant, in order, with one lock of the chain head and one insert: what lets
 * the audit trail keep up when many requests finish at once.
 */
export async function appendAuditRecords(tx: Queryable, inputs: AuditInput[], now: Date): Promise<AuditRecord[]> {
  const tenantId = inputs[0]?.tenantId;
  if (!tenantId) return [];
  if (inputs.some((input) => input.tenantId !== tenantId)) throw new Error('Audit records of one tenant at a time');
  await tx.query(
    'INSERT INTO audit_chain_head (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING',
    [tenantId, GENESIS_HASH],
  );
  const head = await tx.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM audit_chain_head WHERE tenant_id = $1 FOR UPDATE',
    [tenantId],
  );
  const previous = head.rows[0];
  if (!previous) throw new Error('The audit chain head could not be locked');
  let seq = Number(previous.seq);
  let prevHash = previous.hash;
  const recordedAt = now.toISOString();
  const records = inputs.map((input) => {
    const unhashed = {
      tenantId: input.tenantId,
      id: randomUUID(),
      recordedAt,
      action: input.action,
      outcome: input.outcome,
      userId: input.userId ?? null,
      clientId: input.clientId ?? null,
      roles: input.roles ?? [],
      patientId: input.patientId ?? null,
      resourceType: input.resourceType ?? null,
      resourceId: input.resourceId ?? null,
      status: input.status ?? null,
      ip: input.ip ?? null,
      purposeOfUse: input.purposeOfUse ?? null,
      requestId: input.requestId ?? null,
      detail: input.detail ?? null,
      prevHash,
    };
    seq += 1;
    const record: AuditRecord = { ...unhashed, seq, hash: hashAuditRecord(unhashed) };
    prevHash = record.hash;
    return record;
  });
  const rows = records.map((record) => ({
    tenant_id: record.tenantId,
    seq: record.seq,
    id: record.id,
    recorded_at: record.recordedAt,
    action: record.action,
    outcome: record.outcome,
    user_id: record.userId,
    client_id: record.clientId,
    roles: record.roles,
    patient_id: record.patientId,
    resource_type: record.resourceType,
    resource_id: record.resourceId,
    status: record.status,
    ip: record.ip,
    purpose_of_use: record.purposeOfUse,
    request_id: record.requestId,
    detail: record.detail,
    prev_hash: record.prevHash,
    hash: record.hash,
  }));
  await tx.query(
    `INSERT INTO audit_event (tenant_id, seq, id, recorded_at, action, outcome, user_id, client_id, roles,
       patient_id, resource_type, resource_id, status, ip, purpose_of_use, request_id, detail, prev_hash, hash)
     SELECT tenant_id, seq, id, recorded_at, action, outcome, user_id, client_id, roles,
       patient_id, resource_type, resource_id, status, ip, purpose_of_use, request_id, detail, prev_hash, hash
     FROM jsonb_populate_recordset(NULL::audit_event, $1::jsonb)`,
    [JSON.stringify(rows)],
  );
  const last = records[records.length - 1]!;
  await tx.query('UPDATE audit_chain_head SET seq = $2, hash = $3 WHERE tenant_id = $1', [
    tenantId,
    last.seq,
    last.hash,
  ]);
  return records;
}

export async function searchAuditRecords(db: Queryable, tenantId: string, filter: AuditFilter): Promise<AuditRecord[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.patientId) add('patient_id = ?', filter.patientId);
  if (filter.userId) {
    params.push(filter.userId);
    where.push(`(user_id = $${params.length} OR client_id = $${params.length})`);
  }
  if (filter.action) add('action = ?', filter.action);
  if (filter.outcome) add('outcome = ?', filter.outcome);
  if (filter.from) add('recorded_at >= ?', filter.from);
  if (filter.to) add('recorded_at < ?', filter.to);
  params.push(filter.limit, filter.offset);
  const result = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_event WHERE ${where.join(' AND ')}
     ORDER BY seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return result.rows.map(fromRow);
}

/** A page of the chain in order, for verification (run as the schema owner). */
export async function readAuditChainPage(
  db: Queryable,
  tenantId: string,
  afterSeq: number,
  limit: number,
): Promise<AuditRecord[]> {
  const result = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_event WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [tenantId, afterSeq, limit],
  );
  return result.rows.map(fromRow);
}

export async function readAuditHead(
  db: Queryable,
  tenantId: string,
): Promise<{ seq: number; hash: string } | undefined> {
  const result = await db.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM audit_chain_head WHERE tenant_id = $1',
    [tenantId],
  );
  const row = result.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function auditedTenants(db: Queryable): Promise<string[]> {
  const result = await db.query<{ tenant_id: string }>(
    'SELECT tenant_id FROM audit_chain_head UNION SELECT DISTINCT tenant_id FROM audit_event ORDER BY 1',
  );
  return result.rows.map((row) => row.tenant_id);
}
