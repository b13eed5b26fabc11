import type { Database, Queryable } from '../../platform/db';
import { type AuditRecord, type ChainProblem, ChainVerifier } from './audit.chain';
import {
  type AuditFilter,
  type AuditInput,
  appendAuditRecord,
  appendAuditRecords,
  auditedTenants,
  readAuditChainPage,
  readAuditHead,
  searchAuditRecords,
} from './audit.store';

export interface TenantChainReport {
  tenantId: string;
  ok: boolean;
  records: number;
  problem?: ChainProblem;
}

export interface AuditServiceDeps {
  db: Database;
  now?: () => Date;
}

interface Waiting {
  input: AuditInput;
  resolve: (record: AuditRecord) => void;
  reject: (error: unknown) => void;
}

/** Records appended in one transaction at most: bounds a batch's size and its lock time. */
const MAX_BATCH = 500;

/** Writes, reads and verifies the tenant audit trails. */
export class AuditService {
  private readonly now: () => Date;
  /** Records waiting for their tenant's next batch; a tenant is in `flushing` while a batch runs. */
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly flushing = new Set<string>();

  constructor(private readonly deps: AuditServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Appends on an open tenant transaction: the record stands or falls with the change it describes. */
  append(tx: Queryable, input: AuditInput): Promise<AuditRecord> {
    return appendAuditRecord(tx, input, this.now());
  }

  /**
   * Appends in a transaction of its own (reads, and events with no change of their own) and resolves
   * once the record is committed. Records that arrive while a tenant's batch is being written join the
   * next batch, so a busy server locks the chain once per batch instead of once per request, and an idle
   * one writes each record at once.
   */
  record(input: AuditInput): Promise<AuditRecord> {
    return new Promise<AuditRecord>((resolve, reject) => {
      const queue = this.waiting.get(input.tenantId);
      if (queue) queue.push({ input, resolve, reject });
      else this.waiting.set(input.tenantId, [{ input, resolve, reject }]);
      if (!this.flushing.has(input.tenantId)) void this.flush(input.tenantId);
    });
  }

  private async flush(tenantId: string): Promise<void> {
    this.flushing.add(tenantId);
    try {
      for (;;) {
        const queue = this.waiting.get(tenantId);
        if (!queue?.length) {
          this.waiting.delete(tenantId);
          return;
        }
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const records = await this.deps.db.transaction(tenantId, (tx) =>
            appendAuditRecords(
              tx,
              batch.map((waiting) => waiting.input),
              this.now(),
            ),
          );
          batch.forEach((waiting, index) => {
            waiting.resolve(records[index]!);
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.flushing.delete(tenantId);
    }
  }

  search(tenantId: string, filter: AuditFilter): Promise<AuditRecord[]> {
    return this.deps.db.withTenant(tenantId, (db) => searchAuditRecords(db, tenantId, filter));
  }

  /**
   * Recomputes each tenant's chain from its first record and reports where it first breaks. Runs as the
   * schema owner, so it sees every tenant (or only `tenantId`).
   */
  async verify(tenantId?: string): Promise<TenantChainReport[]> {
    return this.deps.db.asOwner(async (db) => {
      const tenants = tenantId ? [tenantId] : await auditedTenants(db);
      const reports: TenantChainReport[] = [];
      for (const tenant of tenants) {
        const verifier = new ChainVerifier();
        let after = 0;
        for (;;) {
          const page = await readAuditChainPage(db, tenant, after, 2000);
          if (!page.length) break;
          verifier.add(page);
          after = page[page.length - 1]!.seq;
          if (verifier.problem) break;
        }
        verifier.finish(await readAuditHead(db, tenant));
        reports.push({
          tenantId: tenant,
          ok: !verifier.problem,
          records: verifier.checked,
          ...(verifier.problem ? { problem: verifier.problem } : {}),
        });
      }
      return reports;
    });
  }
}
