import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FhirRepository } from '../../fhir';
import { requestAuditScope } from './audit.scope';
import type { AuditService } from './audit.service';
import type { AuditInput } from './audit.store';

const PURPOSE = /^[A-Z][A-Z-]{1,31}$/;

/** Who, from where, why and in which request: the caller's part of a record. */
export function callerOf(request: FastifyRequest | undefined): Partial<AuditInput> {
  if (!request) return {};
  const principal = request.principal;
  const purpose = request.headers['x-purpose-of-use'];
  return {
    userId: principal?.userId,
    clientId: principal?.clientId,
    roles: principal?.roles,
    ip: request.ip,
    purposeOfUse: typeof purpose === 'string' && PURPOSE.test(purpose) ? purpose : undefined,
    requestId: request.id,
  };
}

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function patientFromReference(reference: unknown): string | undefined {
  return typeof reference === 'string' ? PATIENT_REFERENCE.exec(reference)?.[1] : undefined;
}

/** The patient a resource is about, for the ones that say so directly. */
export function patientOfResource(resource: Resource | Record<string, unknown> | undefined): string | undefined {
  if (!resource) return undefined;
  const fields = resource as Record<string, unknown>;
  if (fields.resourceType === 'Patient' && typeof fields.id === 'string') return fields.id;
  for (const field of ['subject', 'patient', 'beneficiary']) {
    const value = fields[field] as { reference?: unknown } | undefined;
    const found = patientFromReference(value?.reference);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every FHIR write (REST, transaction and batch Bundles, conditional writes, imports, module APIs)
 * stages its audit record inside the write's own transaction: a change never commits without it.
 */
export function auditFhirWrites(repository: Pick<FhirRepository, 'onWrite'>, audit: AuditService): void {
  repository.onWrite(async (tx, events) => {
    const scope = requestAuditScope.getStore();
    const caller = callerOf(scope?.request);
    await audit.stage(
      tx,
      events.map((event) => ({
        ...caller,
        tenantId: event.tenantId,
        action: event.action,
        outcome: 'success',
        resourceType: event.resourceType,
        resourceId: event.id,
        patientId: patientOfResource(event.resource),
      })),
    );
    if (scope) scope.writes += events.length;
  });
}

/** Opens each request's audit scope (register before anything that may write). */
export function registerRequestAuditScope(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    requestAuditScope.run({ request, stagedTenants: new Set(), writes: 0 }, done);
  });
}

/**
 * Chains what the request staged before its answer leaves, and records refused calls to non-FHIR
 * routes (the FHIR hook records its own). Registered after the FHIR hook.
 */
export function registerAuditSendHook(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onSend', async (request, reply, payload) => {
    await chainStagedOf(request, audit);
    const url = request.routeOptions.url;
    const status = reply.statusCode;
    if (url?.startsWith('/fhir/') || (status !== 403 && status !== 401)) return payload;
    // A 401 without credentials is an anonymous page asking who is signed in, not a refused access.
    const presented = Boolean(request.headers.authorization) || Boolean(request.headers.cookie?.includes('meridian_'));
    if (status === 401 && !presented) return payload;
    try {
      await audit.recordAccess({
        ...callerOf(request),
        tenantId: request.tenantId,
        action: 'access-denied',
        outcome: 'denied',
        status,
        detail: `${request.method} ${url ?? 'unmatched'}`,
      });
    } catch (error) {
      request.log.error({ err: { message: (error as Error).message } }, 'audit record could not be written');
    }
    return payload;
  });
}

/**
 * Chains the records this request staged (already committed with their changes). A failure here loses
 * nothing: the staged rows stay and the sweeper chains them.
 */
export async function chainStagedOf(request: FastifyRequest, audit: AuditService): Promise<void> {
  const scope = requestAuditScope.getStore();
  if (!scope?.stagedTenants.size) return;
  const tenants = [...scope.stagedTenants];
  scope.stagedTenants.clear();
  try {
    await Promise.all(tenants.map((tenantId) => audit.chainStaged(tenantId)));
  } catch (error) {
    request.log.warn({ err: { message: (error as Error).message } }, 'staged audit records left for the sweeper');
  }
}
