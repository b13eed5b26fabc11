import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import { encounterWriteGuard } from './encounter.guard';
import { registerEncounterRoutes } from './encounter.routes';
import { EncounterService } from './encounter.service';

export interface EncountersModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  now?: (() => Date) | undefined;
}

/** Encounters: the visit lifecycle over FHIR Encounter, its task API and its guard on direct FHIR writes. */
export function registerEncountersModule(app: FastifyInstance, options: EncountersModuleOptions): EncounterService {
  options.fhir.repository.addWriteGuard('Encounter', encounterWriteGuard);
  const service = new EncounterService({
    repository: options.fhir.repository,
    audit: options.audit,
    ...(options.now ? { now: options.now } : {}),
  });
  registerEncounterRoutes(app, service);
  return service;
}
