import type { FastifyRequest } from 'fastify';
import { type AccessGuard, accessErrors } from '../core/access';
import type { FhirContext } from '../core/repository';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's access guard for the FHIR services, set by the access module for every signed-in caller. */
    fhirAccess?: AccessGuard;
  }
}

/**
 * The FHIR context of a request: its tenant and its caller's access guard. FHIR routes and module APIs
 * that call the FHIR services build their context here, so every caller is treated alike. Deny by
 * default: a signed-in caller for whom no guard was built gets nothing.
 */
export function fhirContextOf(request: FastifyRequest): FhirContext {
  const access = request.fhirAccess;
  if (!access && (request as { principal?: unknown }).principal) throw accessErrors.forbidden('access', 'any');
  return { tenantId: request.tenantId, ...(access ? { access } : {}) };
}
