import type { FastifyRequest } from 'fastify';
import { type FhirContext, fhirContextOf } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import { type ClinicalActor, clinicalActorOf } from '../identity';

/** Who is doing billing work and through which FHIR context (the caller's access guard applies). */
export interface BillingCaller {
  ctx: FhirContext;
  actor: ClinicalActor;
}

export function billingCallerOf(request: FastifyRequest): BillingCaller {
  return { ctx: fhirContextOf(request), actor: clinicalActorOf(request) };
}

/** The id written as `recorded_by` on ledger rows: the user, else the service client. */
export function recorderOf(actor: ClinicalActor): string | undefined {
  return actor.userId ?? actor.clientId;
}

/** Minimal view of the domain events contract (modules/events): publish on the caller's transaction. */
export interface DomainEvent {
  type: string;
  version?: number;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
}
export interface EventPublisher {
  publish(tx: Queryable, tenantId: string, event: DomainEvent): Promise<void>;
}

/** Stages the audit record of a billing state change on the change's own transaction. */
export function auditBilling(
  audit: AuditService,
  tx: Queryable,
  caller: BillingCaller,
  record: { action: string; resourceType: string; resourceId: string; patientId?: string | undefined; detail?: string },
): Promise<void> {
  const { actor, ctx } = caller;
  return audit.append(tx, {
    tenantId: ctx.tenantId,
    action: record.action,
    outcome: 'success',
    userId: actor.userId,
    clientId: actor.clientId,
    roles: actor.roles,
    ip: actor.ip,
    requestId: actor.requestId,
    patientId: record.patientId,
    resourceType: record.resourceType,
    resourceId: record.resourceId,
    ...(record.detail ? { detail: record.detail } : {}),
  });
}
