import type { Database, Queryable } from '../../platform/db';
import { type AuditRecord, type ChainProblem, ChainVerifier } from './audit.chain';
import {
  type AuditFilter,
  type AuditInput,
  appendAuditRecord,
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

/** Writes, reads and verifies the tenant audit trails. */
export class AuditService {
  private readonly now: () => Date;

  constructor(private readonly deps: AuditServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Appends on an open tenant transaction: the record stands or falls with the change it describes. */
  append(tx: Queryable, input: AuditInput): Promise<AuditRecord> {
    return appendAuditRecord(tx, input, this.now());
  }

  /** Appends in a transaction of its own (reads, and events with no change of their own). */
  record(input: AuditInput): Promise<AuditRecord> {
    return this.deps.db.transaction(input.tenantId, (tx) => appendAuditRecord(tx, input, this.now()));
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
