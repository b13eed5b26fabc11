import type { Reference } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';

/** Identifier systems naming a Meridian account (user or service client) in FHIR resources. */
export const USER_IDENTIFIER_SYSTEM = 'https://meridian.health/fhir/sid/user';
export const CLIENT_IDENTIFIER_SYSTEM = 'https://meridian.health/fhir/sid/client';

/** The caller of a clinical API as the audit trail and the resources they write name them. */
export interface ClinicalActor {
  userId?: string | undefined;
  clientId?: string | undefined;
  roles?: string[] | undefined;
  /** How a resource names them (author, performer, changed-by): their FHIR identity when it fits, and always their account. */
  reference?: Reference | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * The request's caller as a clinical actor. `referenceTypes` says which FHIR identities the resource
 * being written accepts (a Composition's author cannot be a Patient); others are named by account only.
 */
export function clinicalActorOf(request: FastifyRequest, referenceTypes?: RegExp): ClinicalActor {
  const principal = request.principal;
  const base = { ip: request.ip, requestId: request.id };
  if (!principal) return base;
  const fhirUser = principal.fhirUser;
  return {
    ...base,
    userId: principal.userId,
    clientId: principal.clientId,
    roles: principal.roles,
    reference: {
      ...(fhirUser && (!referenceTypes || referenceTypes.test(fhirUser)) ? { reference: fhirUser } : {}),
      identifier: principal.userId
        ? { system: USER_IDENTIFIER_SYSTEM, value: principal.userId }
        : { system: CLIENT_IDENTIFIER_SYSTEM, value: principal.clientId ?? principal.subject },
    },
  };
}
