import type { FastifyRequest } from 'fastify';
import type { FhirContext } from '../core/repository';

/**
 * The FHIR context of a request: its tenant (and, as access control grows, its caller). FHIR routes and
 * module APIs that call the FHIR services build their context here, so every caller is treated alike.
 */
export function fhirContextOf(request: FastifyRequest): FhirContext {
  return { tenantId: request.tenantId };
}
