import { randomUUID } from 'node:crypto';
import type { FhirRepository } from '../../fhir';
import type { Database, Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { Principal } from '../identity';
import { AttributeCache } from './access.attribute-cache';
import { defaultPolicy } from './access.defaults';
import { CompiledPolicy } from './access.engine';
import { accessErrors } from './access.errors';
import { RequestAccessGuard } from './access.guard';
import { type PolicyDocument, policyDocument } from './access.schemas';
import * as store from './access.store';

export interface AccessServiceDeps {
  db: Database;
  audit: AuditService;
  now?: (() => Date) | undefined;
  /** How long a break-the-glass grant lasts (BREAK_GLASS_MINUTES). */
  breakGlassMinutes: number;
  /**
   * How long a compiled policy is trusted before it is checked again (another process may have changed
   * it); this process's own changes take effect at once.
   */
  policyCacheMs?: number;
}

export interface PolicyView {
  /** 'default' until the tenant stores a policy of its own. */
  source: 'default' | 'tenant';
  version: number;
  updatedAt?: string;
  updatedBy?: string;
  policy: PolicyDocument;
}

export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

/** Tenant policies (as data, cached compiled), per-request guards, break-the-glass and its alerts. */
export class AccessService {
  private readonly now: () => Date;
  private readonly cache = new Map<string, { policy: CompiledPolicy; loadedAt: number }>();
  private readonly defaults = new CompiledPolicy(defaultPolicy(), 0);
  readonly attributes = new AttributeCache();

  constructor(private readonly deps: AccessServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Keeps the shared attribute facts current: every FHIR write tells which types it changed. */
  watch(repository: Pick<FhirRepository, 'onWrite'>): void {
    repository.onWrite(async (_tx, events, ctx) => {
      this.attributes.written(ctx.tenantId, new Set(events.map((event) => event.resourceType)));
    });
  }

  /** The policy decision point for one request of this caller. */
  guardFor(principal: Principal): RequestAccessGuard {
    return new RequestAccessGuard(principal, this, this.now);
  }

  /** The tenant's compiled policy: from the cache, or read (on `db`, the connection in use) and compiled. */
  async compiled(db: Queryable, tenantId: string): Promise<CompiledPolicy> {
    const cached = this.cache.get(tenantId);
    const maxAge = this.deps.policyCacheMs ?? 30_000;
    if (cached && Date.now() - cached.loadedAt < maxAge) return cached.policy;
    const stored = await store.readPolicy(db, tenantId);
    let policy = this.defaults;
    if (stored) {
      policy =
        cached && cached.policy.version === stored.version
          ? cached.policy
          : new CompiledPolicy(policyDocument.parse(JSON.parse(stored.document)), stored.version);
    }
    this.cache.set(tenantId, { policy, loadedAt: Date.now() });
    return policy;
  }

  async readPolicy(tenantId: string): Promise<PolicyView> {
    const stored = await this.deps.db.withTenant(tenantId, (db) => store.readPolicy(db, tenantId));
    if (!stored) return { source: 'default', version: 0, policy: defaultPolicy() };
    return {
      source: 'tenant',
      version: stored.version,
      updatedAt: stored.updatedAt,
      ...(stored.updatedBy ? { updatedBy: stored.updatedBy } : {}),
      policy: policyDocument.parse(JSON.parse(stored.document)),
    };
  }

  /**
   * Replaces the tenant's policy (a new version) and audits the change in the same transaction.
   * `expectedVersion` (If-Match) refuses the change when someone else changed the policy meanwhile.
   */
  async replacePolicy(
    principal: Principal,
    document: PolicyDocument,
    meta: RequestMeta,
    expectedVersion?: number,
  ): Promise<PolicyView> {
    const { tenantId } = principal;
    await this.deps.db.transaction(tenantId, async (tx) => {
      const current = (await store.readPolicy(tx, tenantId))?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== current) {
        throw accessErrors.policyConflict(expectedVersion, current);
      }
      const written = await store.writePolicy(tx, tenantId, {
        document: JSON.stringify(document),
        previous: current,
        updatedAt: this.now().toISOString(),
        updatedBy: principal.subject,
      });
      if (!written) throw accessErrors.policyConflict(current, current + 1);
      await this.deps.audit.append(tx, {
        tenantId,
        action: 'access-policy-change',
        outcome: 'success',
        userId: principal.userId,
        clientId: principal.clientId,
        roles: principal.roles,
        status: 200,
        ip: meta.ip,
        requestId: meta.requestId,
        detail: `version ${current + 1}`,
      });
    });
    this.cache.delete(tenantId);
    return this.readPolicy(tenantId);
  }

  /**
   * Break-the-glass: the caller may see this patient for BREAK_GLASS_MINUTES despite care-team and
   * Consent restrictions. The grant, its audit record (purpose of use BTG) and the alert to the tenant's
   * admins are written in one transaction.
   */
  async breakGlass(
    principal: Principal,
    input: { patient: string; reason: string },
    meta: RequestMeta,
  ): Promise<{ id: string; patient: string; expiresAt: string }> {
    const { tenantId } = principal;
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.deps.breakGlassMinutes * 60_000).toISOString();
    const id = randomUUID();
    await this.deps.db.transaction(tenantId, async (tx) => {
      if (!(await store.patientExists(tx, tenantId, input.patient))) throw accessErrors.patientNotFound(input.patient);
      await store.insertBreakGlass(tx, {
        tenantId,
        id,
        subject: principal.subject,
        patientId: input.patient,
        reason: input.reason,
        createdAt: now.toISOString(),
        expiresAt,
      });
      await store.insertAlert(tx, tenantId, {
        id: randomUUID(),
        kind: 'break-the-glass',
        createdAt: now.toISOString(),
        subject: principal.subject,
        patientId: input.patient,
        // The reason stays in the grant (readable by admins through the alert list), not in the audit trail.
        detail: input.reason,
      });
      await this.deps.audit.append(tx, {
        tenantId,
        action: 'break-the-glass',
        outcome: 'success',
        userId: principal.userId,
        clientId: principal.clientId,
        roles: principal.roles,
        patientId: input.patient,
        resourceType: 'Patient',
        resourceId: input.patient,
        status: 201,
        ip: meta.ip,
        purposeOfUse: 'BTG',
        requestId: meta.requestId,
        detail: `until ${expiresAt}`,
      });
    });
    return { id, patient: input.patient, expiresAt };
  }

  alerts(tenantId: string, limit: number): Promise<store.AlertRow[]> {
    return this.deps.db.withTenant(tenantId, (db) => store.listAlerts(db, tenantId, limit));
  }
}
