import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One row of a tenant's audit trail, as stored and as hashed. */
export interface AuditRecord {
  tenantId: string;
  seq: number;
  id: string;
  /** UTC instant with milliseconds, e.g. 2025-01-31T09:30:00.000Z. */
  recordedAt: string;
  action: string;
  outcome: AuditOutcome;
  userId: string | null;
  clientId: string | null;
  roles: string[];
  patientId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  status: number | null;
  ip: string | null;
  purposeOfUse: string | null;
  requestId: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** The previous-hash of a tenant's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The bytes a record's hash covers: every field but `seq` and `hash`, in a fixed order, as JSON. The
 * order of records is protected by `prevHash` instead of `seq`, so a reordering shows up as a broken
 * link rather than as an altered record, and verify can tell the two apart.
 */
export function canonicalAuditContent(record: Omit<AuditRecord, 'hash' | 'seq'>): string {
  return JSON.stringify([
    'meridian-audit-v1',
    record.tenantId,
    record.id,
    record.recordedAt,
    record.action,
    record.outcome,
    record.userId,
    record.clientId,
    record.roles,
    record.patientId,
    record.resourceType,
    record.resourceId,
    record.status,
    record.ip,
    record.purposeOfUse,
    record.requestId,
    record.detail,
    record.prevHash,
  ]);
}

/** The unkeyed hash of records chained before the deployment had an audit key (kept so they still verify). */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash' | 'seq'>): string {
  return createHash('sha256').update(canonicalAuditContent(record)).digest('hex');
}

/**
 * The keyed hash every record gets now: HMAC-SHA-256 with the deployment's audit key, so someone with
 * database rights alone cannot recompute a chain after changing it.
 */
export function macAuditRecord(key: Buffer, record: Omit<AuditRecord, 'hash' | 'seq'>): string {
  return createHmac('sha256', key).update(canonicalAuditContent(record)).digest('hex');
}

/** The signature of a chain's head (its last sequence number and hash). */
export function macChainHead(key: Buffer, tenantId: string, seq: number, hash: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['meridian-audit-head-v1', tenantId, seq, hash]))
    .digest('hex');
}

/** A keyed checkpoint: `keyed-from` (records up to seq predate the key) or `purged-to` (removed by retention). */
export interface AuditCheckpoint {
  tenantId: string;
  kind: 'keyed-from' | 'purged-to';
  seq: number;
  hash: string;
  createdAt: string;
  mac: string;
}

export function macCheckpoint(key: Buffer, checkpoint: Omit<AuditCheckpoint, 'mac'>): string {
  return createHmac('sha256', key)
    .update(
      JSON.stringify([
        'meridian-audit-checkpoint-v1',
        checkpoint.tenantId,
        checkpoint.kind,
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.createdAt,
      ]),
    )
    .digest('hex');
}

export function sameMac(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export type ChainProblemKind = 'altered' | 'deleted' | 'reordered';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The sequence number where the chain breaks (for a deletion: the first missing number). */
  seq: number;
  /** The record found there, when there is one. */
  id?: string;
  message: string;
}

export interface ChainStart {
  /** The deployment's audit key. */
  key: Buffer;
  /** Records up to this sequence number were chained before the key (plain SHA-256). */
  legacyUntil?: number;
  /** After a purge: the last removed record, where the remaining chain starts. */
  purgedTo?: { seq: number; hash: string };
}

/**
 * Walks a tenant's chain, fed page by page in `seq` order, and remembers the first break. Pages keep
 * memory flat on long trails. Records after `legacyUntil` must carry the keyed hash.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: string;
  private readonly legacyUntil: number;
  checked = 0;
  problem: ChainProblem | undefined;

  constructor(private readonly start: ChainStart) {
    this.expectedSeq = (start.purgedTo?.seq ?? 0) + 1;
    this.previousHash = start.purgedTo?.hash ?? GENESIS_HASH;
    this.legacyUntil = start.legacyUntil ?? 0;
  }

  add(records: AuditRecord[]): void {
    for (const record of records) {
      if (this.problem) return;
      this.checked++;
      const expected =
        record.seq <= this.legacyUntil ? hashAuditRecord(record) : macAuditRecord(this.start.key, record);
      if (!sameMac(record.hash, expected)) {
        this.problem = {
          kind: 'altered',
          seq: record.seq,
          id: record.id,
          message: `Audit record ${record.seq} (${record.id}) was altered: its content no longer matches its hash`,
        };
      } else if (record.seq !== this.expectedSeq) {
        this.problem = {
          kind: 'deleted',
          seq: this.expectedSeq,
          message:
            record.seq > this.expectedSeq
              ? `Audit record ${this.expectedSeq} is missing (deleted) before record ${record.seq} (${record.id})`
              : `Audit record ${record.seq} (${record.id}) repeats a sequence number`,
        };
      } else if (record.prevHash !== this.previousHash) {
        this.problem = {
          kind: 'reordered',
          seq: record.seq,
          id: record.id,
          message: `Audit record ${record.seq} (${record.id}) does not follow the record before it: the trail was reordered or a record replaced`,
        };
      }
      this.expectedSeq = record.seq + 1;
      this.previousHash = record.hash;
    }
  }

  /**
   * The recorded head (last sequence number, hash and its keyed signature) must be where the walk ended.
   * `tenantId` names the chain the head's signature was made for.
   */
  finish(tenantId: string, head: { seq: number; hash: string; mac: string | null } | undefined): void {
    if (this.problem || !head) return;
    const lastSeq = this.expectedSeq - 1;
    if (head.seq > lastSeq) {
      this.problem = {
        kind: 'deleted',
        seq: lastSeq + 1,
        message: `Audit records ${lastSeq + 1} to ${head.seq} are missing (deleted from the end of the trail)`,
      };
    } else if (head.seq !== lastSeq || head.hash !== this.previousHash) {
      this.problem = {
        kind: 'altered',
        seq: head.seq,
        message: `The trail's recorded head (record ${head.seq}) does not match its last record ${lastSeq}`,
      };
    } else if (head.seq > 0 && !sameMac(head.mac, macChainHead(this.start.key, tenantId, head.seq, head.hash))) {
      this.problem = {
        kind: 'altered',
        seq: head.seq,
        message: `The trail's recorded head (record ${head.seq}) does not carry a valid signature: it was moved or the audit key differs`,
      };
    }
  }
}
