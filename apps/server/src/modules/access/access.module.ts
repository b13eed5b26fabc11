import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { registerAccessRoutes } from './access.routes';
import { AccessService } from './access.service';

export interface AccessModuleOptions {
  db: Database;
  audit: AuditService;
  breakGlassMinutes: number;
  now?: (() => Date) | undefined;
}

/**
 * Access control: every signed-in request gets its policy decision point for the FHIR services
 * (`request.fhirAccess`, read by `fhirContextOf`), denials of module APIs are put on record, and the
 * access API is served. Register before the FHIR routes and the modules that call the FHIR services.
 */
export function registerAccessModule(app: FastifyInstance, options: AccessModuleOptions): AccessService {
  const access = new AccessService({
    db: options.db,
    audit: options.audit,
    breakGlassMinutes: options.breakGlassMinutes,
    now: options.now,
  });
  app.addHook('preHandler', async (request) => {
    if (request.principal) request.fhirAccess = access.guardFor(request.principal);
  });
  // FHIR denials are recorded by the FHIR audit hook with the interaction; these are the other APIs'.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 403 || request.url.startsWith('/fhir/')) return payload;
    await access.recordDenial(request.principal, request.tenantId, request.routeOptions.url ?? 'unmatched', 403, {
      ip: request.ip,
      requestId: request.id,
    });
    return payload;
  });
  registerAccessRoutes(app, access);
  return access;
}
