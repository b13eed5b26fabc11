import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';

/** What the audit trail keeps about the request being served, for records written deep inside it. */
export interface RequestAuditScope {
  request: FastifyRequest;
  /** Tenants this request staged audit records for (in a change's transaction), not yet chained. */
  stagedTenants: Set<string>;
  /** FHIR resource writes staged by this request. */
  writes: number;
}

/** Per-request scope: the FHIR engine and the stores know nothing of HTTP, yet each record names its caller. */
export const requestAuditScope = new AsyncLocalStorage<RequestAuditScope>();
