import { createHash } from 'node:crypto';

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

export function hashAuditRecord(record: Omit<AuditRecord, 'hash' | 'seq'>): string {
  return createHash('sha256').update(canonicalAuditContent(record)).digest('hex');
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

/**
 * Walks a tenant's chain, fed page by page in `seq` order, and remembers the first break. Pages keep
 * memory flat on long trails.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  checked = 0;
  problem: ChainProblem | undefined;

  add(records: AuditRecord[]): void {
    for (const record of records) {
      if (this.problem) return;
      this.checked++;
      if (hashAuditRecord(record) !== record.hash) {
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

  /** The recorded head (last sequence number and hash) must be where the walk ended. */
  finish(head: { seq: number; hash: string } | undefined): void {
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
    }
  }
}
