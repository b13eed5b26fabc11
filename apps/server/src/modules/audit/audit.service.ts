import type { Database, Queryable } from '../../platform/db';
import {
  type AuditCheckpoint,
  type AuditRecord,
  type ChainProblem,
  ChainVerifier,
  macChainHead,
  macCheckpoint,
  sameMac,
} from './audit.chain';
import { keyChain, latestCheckpoints, purgeBoundary, purgeTo, unkeyedHeads } from './audit.checkpoint.store';
import { requestAuditScope } from './audit.scope';
import {
  type AuditFilter,
  type AuditInput,
  auditedTenants,
  chainAuditRecords,
  countStaged,
  readAuditChainPage,
  readAuditHead,
  searchAuditRecords,
  stageAuditRecords,
  tenantsWithStaged,
} from './audit.store';

export interface TenantChainReport {
  tenantId: string;
  ok: boolean;
  records: number;
  /** Records staged by committed changes but not yet chained (a crash, or chaining in progress). */
  staged: number;
  /** Where the remaining chain starts after retention purges. */
  purgedTo?: number;
  /** Records up to this one were chained before the audit key (plain SHA-256). */
  keyedFrom?: number;
  problem?: ChainProblem;
}

export interface TenantPurgeReport {
  tenantId: string;
  /** Records removed (or, in a dry run, that would be). */
  removed: number;
  /** The last removed record: the chain now starts after it. */
  throughSeq?: number;
  dryRun: boolean;
}

export interface AuditServiceDeps {
  db: Database;
  /** The deployment's audit key (AUDIT_HMAC_KEY or DATA_DIR/audit-hmac.key). */
  key: Buffer;
  /** Days a record is kept (AUDIT_RETENTION_DAYS). */
  retentionDays: number;
  now?: () => Date;
  /** Where a failed background chaining is reported (its records stay staged for the sweeper). */
  log?: { warn(details: object, message: string): void };
}

interface Waiting {
  /** Undefined: a request to chain what is staged, with nothing of its own. */
  input?: AuditInput;
  resolve: (record: AuditRecord | undefined) => void;
  reject: (error: unknown) => void;
  /** Called when a batch takes this entry: rows staged from then on need another batch. */
  taken?: () => void;
}

/** Accesses waiting for their tenant's next staging insert. */
interface Staging {
  inputs: AuditInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Records appended in one transaction at most: bounds a batch's size and its lock time. */
const MAX_BATCH = 500;
/** Staged rows moved into the chain per batch. */
const STAGED_PER_BATCH = 2000;
const DAY_MS = 24 * 3600 * 1000;

/** Writes, reads, verifies and purges the tenant audit trails. */
export class AuditService {
  private readonly now: () => Date;
  /** Records waiting for their tenant's next batch; a tenant is in `flushing` while a batch runs. */
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly flushing = new Set<string>();
  /** Accesses waiting for their tenant's next staging insert; a tenant is in `staging` while one runs. */
  private readonly toStage = new Map<string, Staging[]>();
  private readonly staging = new Set<string>();
  /** Tenants with a background chaining waiting for its batch: later accesses join it. */
  private readonly chainQueued = new Set<string>();
  /** Background chainings not yet finished (awaited by `settled`, hence by shutdown and verify). */
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly deps: AuditServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Stages a record on the open transaction of the change it describes: it commits with the change or
   * not at all. It is chained right after the commit (`chainStaged`, which the HTTP layer awaits before
   * answering) or by the sweeper.
   */
  append(tx: Queryable, input: AuditInput): Promise<void> {
    return this.stage(tx, [input]);
  }

  /** Several records staged on one open transaction (one insert). */
  async stage(tx: Queryable, inputs: AuditInput[]): Promise<void> {
    await stageAuditRecords(tx, inputs, this.now());
    // The request being served (if any) chains them before it answers.
    const scope = requestAuditScope.getStore();
    if (scope) for (const input of inputs) scope.stagedTenants.add(input.tenantId);
  }

  /**
   * Appends in a transaction of its own (reads, and events with no change of their own) and resolves
   * once the record is committed. Records that arrive while a tenant's batch is being written join the
   * next batch, so a busy server locks the chain once per batch instead of once per request, and an idle
   * one writes each record at once. Each batch also chains the tenant's staged records first.
   */
  async record(input: AuditInput): Promise<AuditRecord> {
    return (await this.enqueue(input.tenantId, input))!;
  }

  /**
   * Records accesses (reads, searches, refusals): resolves once they are durable, by an autocommitted
   * insert into staging, so the answer waits for no lock of the tenant's chain and no second transaction.
   * Accesses that arrive while the tenant's insert runs share the next one (one commit for many answers
   * on a busy server; at once on an idle one). They are chained in the background within milliseconds,
   * batched per tenant; if this process dies first, the sweeper chains them. Throws when they could not
   * be staged: the caller withholds its answer.
   */
  async recordAccess(inputs: AuditInput | AuditInput[]): Promise<void> {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const tenants = [...new Set(list.map((input) => input.tenantId))];
    await Promise.all(
      tenants.map(
        (tenantId) =>
          new Promise<void>((resolve, reject) => {
            const entry = { inputs: list.filter((input) => input.tenantId === tenantId), resolve, reject };
            const queue = this.toStage.get(tenantId);
            if (queue) queue.push(entry);
            else this.toStage.set(tenantId, [entry]);
            if (!this.staging.has(tenantId)) void this.stageQueued(tenantId);
          }),
      ),
    );
  }

  private async stageQueued(tenantId: string): Promise<void> {
    this.staging.add(tenantId);
    try {
      for (;;) {
        const queue = this.toStage.get(tenantId);
        if (!queue?.length) {
          this.toStage.delete(tenantId);
          return;
        }
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const inputs = batch.flatMap((entry) => entry.inputs);
          await this.deps.db.withTenant(tenantId, (db) => stageAuditRecords(db, inputs, this.now()));
          // Chaining is under way (and `settled` knows of it) before any caller answers.
          this.chainSoon(tenantId);
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.staging.delete(tenantId);
    }
  }

  /** Resolves once everything the tenant had staged before this call is chained. */
  async chainStaged(tenantId: string): Promise<void> {
    await this.enqueue(tenantId, undefined);
  }

  /** Resolves once the background chainings begun so far (and any they led to) have finished. */
  async settled(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  /** Chains the tenant's staged rows without waiting; one queued batch serves every access meanwhile. */
  private chainSoon(tenantId: string): void {
    if (this.chainQueued.has(tenantId)) return;
    this.chainQueued.add(tenantId);
    const chained: Promise<void> = this.enqueue(tenantId, undefined, () => this.chainQueued.delete(tenantId)).then(
      () => {
        this.background.delete(chained);
      },
      (error: Error) => {
        this.background.delete(chained);
        this.deps.log?.warn({ err: { message: error.message } }, 'staged audit records left for the sweeper');
      },
    );
    this.background.add(chained);
  }

  private enqueue(
    tenantId: string,
    input: AuditInput | undefined,
    taken?: () => void,
  ): Promise<AuditRecord | undefined> {
    return new Promise<AuditRecord | undefined>((resolve, reject) => {
      const entry: Waiting = { ...(input ? { input } : {}), ...(taken ? { taken } : {}), resolve, reject };
      const queue = this.waiting.get(tenantId);
      if (queue) queue.push(entry);
      else this.waiting.set(tenantId, [entry]);
      if (!this.flushing.has(tenantId)) void this.flush(tenantId);
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
        for (const waiting of batch) waiting.taken?.();
        const withInput = batch.filter((waiting) => waiting.input);
        try {
          const { records, staged } = await this.deps.db.transaction(tenantId, (tx) =>
            chainAuditRecords(
              tx,
              tenantId,
              withInput.map((waiting) => waiting.input!),
              { key: this.deps.key, now: this.now(), stagedLimit: STAGED_PER_BATCH },
            ),
          );
          withInput.forEach((waiting, index) => {
            waiting.resolve(records[index]);
          });
          const markers = batch.filter((waiting) => !waiting.input);
          // More staged rows than one batch takes: the markers wait for the next batch.
          if (staged === STAGED_PER_BATCH && markers.length) queue.unshift(...markers);
          else for (const marker of markers) marker.resolve(undefined);
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.flushing.delete(tenantId);
    }
  }

  /** Chains every tenant's staged rows (left by a crash, or by changes outside a request). */
  async sweep(): Promise<number> {
    const tenants = await this.deps.db.asOwner((db) => tenantsWithStaged(db));
    for (const tenantId of tenants) await this.chainStaged(tenantId);
    return tenants.length;
  }

  /**
   * Keys chains begun before the deployment had an audit key: records so far keep their plain SHA-256
   * hashes, a keyed `keyed-from` checkpoint marks where they end, and the head is signed. Runs at start,
   * before anything is appended.
   */
  async keyLegacyChains(): Promise<number> {
    return this.deps.db.asOwner(async (db) => {
      let keyed = 0;
      for (const head of await unkeyedHeads(db)) {
        const unsigned = { ...head, kind: 'keyed-from' as const, createdAt: this.now().toISOString() };
        const checkpoint: AuditCheckpoint = { ...unsigned, mac: macCheckpoint(this.deps.key, unsigned) };
        const headMac = macChainHead(this.deps.key, head.tenantId, head.seq, head.hash);
        if (await keyChain(db, checkpoint, headMac)) keyed++;
      }
      return keyed;
    });
  }

  /** The tenant's records, after chaining what it has staged: an auditor sees every committed access. */
  async search(tenantId: string, filter: AuditFilter): Promise<AuditRecord[]> {
    await this.chainStaged(tenantId).catch((error: Error) => {
      // What is chained can still be read; the rest stays staged for the sweeper.
      this.deps.log?.warn({ err: { message: error.message } }, 'staged audit records left for the sweeper');
    });
    return this.deps.db.withTenant(tenantId, (db) => searchAuditRecords(db, tenantId, filter));
  }

  /**
   * Removes records older than the retention period, each tenant's oldest first, and leaves a keyed
   * `purged-to` checkpoint (the last removed record's sequence number and hash) so the rest still
   * verifies. A record is removed only if it and every record before it have expired. Runs as the schema
   * owner: the server's role cannot delete audit rows.
   */
  async purge(options: { tenantId?: string; dryRun?: boolean } = {}): Promise<TenantPurgeReport[]> {
    const now = this.now();
    const cutoff = new Date(now.getTime() - this.deps.retentionDays * DAY_MS).toISOString();
    const dryRun = options.dryRun ?? false;
    await this.settled();
    return this.deps.db.asOwner(async (db) => {
      const tenants = options.tenantId ? [options.tenantId] : await auditedTenants(db);
      const reports: TenantPurgeReport[] = [];
      for (const tenantId of tenants) {
        const boundary = await purgeBoundary(db, tenantId, cutoff);
        if (!boundary) {
          reports.push({ tenantId, removed: 0, dryRun });
          continue;
        }
        if (dryRun) {
          reports.push({ tenantId, removed: boundary.count, throughSeq: boundary.seq, dryRun });
          continue;
        }
        const unsigned = {
          tenantId,
          kind: 'purged-to' as const,
          seq: boundary.seq,
          hash: boundary.hash,
          createdAt: now.toISOString(),
        };
        const removed = await purgeTo(db, { ...unsigned, mac: macCheckpoint(this.deps.key, unsigned) }, cutoff);
        reports.push({ tenantId, removed, ...(removed ? { throughSeq: boundary.seq } : {}), dryRun });
      }
      return reports;
    });
  }

  /**
   * Recomputes each tenant's chain from its first record (or its latest purge checkpoint) and reports
   * where it first breaks. Runs as the schema owner, so it sees every tenant (or only `tenantId`). This
   * process's accesses are chained first; rows staged but not chained (a crash) are counted as `staged`.
   */
  async verify(tenantId?: string): Promise<TenantChainReport[]> {
    await this.settled();
    return this.deps.db.asOwner(async (db) => {
      const tenants = tenantId ? [tenantId] : await auditedTenants(db);
      const reports: TenantChainReport[] = [];
      for (const tenant of tenants) {
        const checkpoints = await latestCheckpoints(db, tenant);
        const staged = await countStaged(db, tenant);
        const forged = Object.values(checkpoints).find(
          (checkpoint) => !sameMac(checkpoint.mac, macCheckpoint(this.deps.key, checkpoint)),
        );
        const { 'purged-to': purged, 'keyed-from': keyed } = checkpoints;
        const summary = {
          tenantId: tenant,
          staged,
          ...(purged ? { purgedTo: purged.seq } : {}),
          ...(keyed ? { keyedFrom: keyed.seq + 1 } : {}),
        };
        if (forged) {
          reports.push({
            ...summary,
            ok: false,
            records: 0,
            problem: {
              kind: 'altered',
              seq: forged.seq,
              message: `The ${forged.kind} checkpoint at record ${forged.seq} does not carry a valid signature: it was forged or altered, or the audit key differs`,
            },
          });
          continue;
        }
        const verifier = new ChainVerifier({
          key: this.deps.key,
          ...(keyed ? { legacyUntil: keyed.seq } : {}),
          ...(purged ? { purgedTo: { seq: purged.seq, hash: purged.hash } } : {}),
        });
        let after = purged?.seq ?? 0;
        for (;;) {
          const page = await readAuditChainPage(db, tenant, after, 2000);
          if (!page.length) break;
          verifier.add(page);
          after = page[page.length - 1]!.seq;
          if (verifier.problem) break;
        }
        verifier.finish(tenant, await readAuditHead(db, tenant));
        reports.push({
          ...summary,
          ok: !verifier.problem,
          records: verifier.checked,
          ...(verifier.problem ? { problem: verifier.problem } : {}),
        });
      }
      return reports;
    });
  }
}
