import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { type AuditOutcome, type AuditRecord, GENESIS_HASH, macAuditRecord, macChainHead } from './audit.chain';

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
  /** Any of these actions (reports). */
  actions?: string[];
  /** Actions starting with this text (e.g. `operation:export`). */
  actionPrefix?: string;
  purposeOfUse?: string;
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

/** A record to chain: a new one, or one staged earlier in a change's transaction (with its id and time). */
export interface PendingAuditRecord extends AuditInput {
  id?: string;
  recordedAt?: string;
}

const STAGED_COLUMNS = `tenant_id, id,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
  action, outcome, user_id, client_id, roles, patient_id, resource_type, resource_id, status, ip,
  purpose_of_use, request_id, detail`;

function toStagedRow(input: AuditInput, id: string, recordedAt: string) {
  return {
    tenant_id: input.tenantId,
    id,
    recorded_at: recordedAt,
    action: input.action,
    outcome: input.outcome,
    user_id: input.userId ?? null,
    client_id: input.clientId ?? null,
    roles: input.roles ?? [],
    patient_id: input.patientId ?? null,
    resource_type: input.resourceType ?? null,
    resource_id: input.resourceId ?? null,
    status: input.status ?? null,
    ip: input.ip ?? null,
    purpose_of_use: input.purposeOfUse ?? null,
    request_id: input.requestId ?? null,
    detail: input.detail ?? null,
  };
}

let lastIdMs = 0;
let idCounter = 0;

/**
 * Staged rows are chained in (recorded_at, id) order, and many share a millisecond (or a test's fixed
 * clock): ids that rise in the order this process staged them (UUID version 7 with a counter, compared
 * byte by byte by PostgreSQL) keep a tenant's records in the order their accesses happened.
 */
export function stagedRecordId(): string {
  const now = Date.now();
  if (now > lastIdMs) {
    lastIdMs = now;
    idCounter = 0;
  } else if (++idCounter > 0xfff) {
    lastIdMs += 1;
    idCounter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastIdMs, 0, 6);
  bytes[6] = 0x70 | (idCounter >> 8);
  bytes[7] = idCounter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Stages records on the open transaction of the change they describe (they commit or roll back with it),
 * or, for accesses, in a statement of its own. They are chained right after. No lock is taken, so a
 * tenant's requests do not queue on its chain.
 */
export async function stageAuditRecords(tx: Queryable, inputs: AuditInput[], now: Date): Promise<void> {
  if (!inputs.length) return;
  const recordedAt = now.toISOString();
  await tx.query(
    `INSERT INTO audit_staged (tenant_id, id, recorded_at, action, outcome, user_id, client_id, roles, patient_id,
       resource_type, resource_id, status, ip, purpose_of_use, request_id, detail)
     SELECT tenant_id, id, recorded_at, action, outcome, user_id, client_id, roles, patient_id,
       resource_type, resource_id, status, ip, purpose_of_use, request_id, detail
     FROM jsonb_populate_recordset(NULL::audit_staged, $1::jsonb)`,
    [JSON.stringify(inputs.map((input) => toStagedRow(input, stagedRecordId(), recordedAt)))],
  );
}

/** Staged rows committed so far, taken out of staging (in the caller's transaction) to be chained. */
async function takeStaged(tx: Queryable, tenantId: string, limit: number): Promise<PendingAuditRecord[]> {
  const result = await tx.query<Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>>(
    `DELETE FROM audit_staged WHERE tenant_id = $1 AND id IN (
       SELECT id FROM audit_staged WHERE tenant_id = $1 ORDER BY recorded_at, id LIMIT $2)
     RETURNING ${STAGED_COLUMNS}`,
    [tenantId, limit],
  );
  return result.rows
    .sort((a, b) => (a.recorded_at < b.recorded_at ? -1 : a.recorded_at > b.recorded_at ? 1 : a.id < b.id ? -1 : 1))
    .map((row) => ({
      tenantId: row.tenant_id,
      id: row.id,
      recordedAt: row.recorded_at,
      action: row.action,
      outcome: row.outcome,
      userId: row.user_id ?? undefined,
      clientId: row.client_id ?? undefined,
      roles: row.roles ?? [],
      patientId: row.patient_id ?? undefined,
      resourceType: row.resource_type ?? undefined,
      resourceId: row.resource_id ?? undefined,
      status: row.status === null ? undefined : Number(row.status),
      ip: row.ip ?? undefined,
      purposeOfUse: row.purpose_of_use ?? undefined,
      requestId: row.request_id ?? undefined,
      detail: row.detail ?? undefined,
    }));
}

export async function countStaged(db: Queryable, tenantId: string): Promise<number> {
  const result = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM audit_staged WHERE tenant_id = $1', [
    tenantId,
  ]);
  return Number(result.rows[0]?.n ?? 0);
}

/** Tenants with staged rows waiting to be chained (run as the schema owner). */
export async function tenantsWithStaged(db: Queryable): Promise<string[]> {
  const result = await db.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM audit_staged');
  return result.rows.map((row) => row.tenant_id);
}

/**
 * Chains, on an open tenant transaction, the tenant's staged rows (at most `stagedLimit`) and then
 * `inputs`, in order, with one lock of the chain head and one insert: what lets the audit trail keep up
 * when many requests finish at once. Each record's hash is keyed (HMAC-SHA-256 with the audit key), and
 * so is the head's signature.
 */
export async function chainAuditRecords(
  tx: Queryable,
  tenantId: string,
  inputs: AuditInput[],
  options: { key: Buffer; now: Date; stagedLimit: number },
): Promise<{ records: AuditRecord[]; staged: number }> {
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
  const staged = options.stagedLimit > 0 ? await takeStaged(tx, tenantId, options.stagedLimit) : [];
  const pending: PendingAuditRecord[] = [...staged, ...inputs];
  if (!pending.length) return { records: [], staged: 0 };
  let seq = Number(previous.seq);
  let prevHash = previous.hash;
  const recordedAt = options.now.toISOString();
  const records = pending.map((input) => {
    const unhashed = {
      tenantId,
      id: input.id ?? randomUUID(),
      recordedAt: input.recordedAt ?? recordedAt,
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
    const record: AuditRecord = { ...unhashed, seq, hash: macAuditRecord(options.key, unhashed) };
    prevHash = record.hash;
    return record;
  });
  const rows = records.map((record) => ({
    ...toStagedRow(record as AuditInput, record.id, record.recordedAt),
    user_id: record.userId,
    client_id: record.clientId,
    seq: record.seq,
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
  await tx.query('UPDATE audit_chain_head SET seq = $2, hash = $3, mac = $4 WHERE tenant_id = $1', [
    tenantId,
    last.seq,
    last.hash,
    macChainHead(options.key, tenantId, last.seq, last.hash),
  ]);
  return { records: records.slice(staged.length), staged: staged.length };
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
  if (filter.actions) add('action = ANY(?::text[])', filter.actions);
  if (filter.actionPrefix) add('starts_with(action, ?)', filter.actionPrefix);
  if (filter.purposeOfUse) add('purpose_of_use = ?', filter.purposeOfUse);
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
): Promise<{ seq: number; hash: string; mac: string | null } | undefined> {
  const result = await db.query<{ seq: number | string; hash: string; mac: string | null }>(
    'SELECT seq, hash, mac FROM audit_chain_head WHERE tenant_id = $1',
    [tenantId],
  );
  const row = result.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash, mac: row.mac } : undefined;
}

export async function auditedTenants(db: Queryable): Promise<string[]> {
  const result = await db.query<{ tenant_id: string }>(
    `SELECT tenant_id FROM audit_chain_head UNION SELECT tenant_id FROM audit_event
     UNION SELECT tenant_id FROM audit_staged ORDER BY 1`,
  );
  return result.rows.map((row) => row.tenant_id);
}
