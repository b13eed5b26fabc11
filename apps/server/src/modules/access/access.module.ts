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
 * (`request.fhirAccess`, read by `fhirContextOf`), and the access API is served. Register before the FHIR routes and the modules that call the FHIR services.
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
  // Denials are put on record by the audit module's hooks: FHIR ones with their interaction, the other
  // APIs' as `access-denied`.
  registerAccessRoutes(app, access);
  return access;
}
