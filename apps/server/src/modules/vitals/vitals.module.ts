import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import { vitalSignsWriteGuard } from './vitals.guard';
import { registerVitalsRoutes } from './vitals.routes';
import { VitalsService } from './vitals.service';

export interface VitalsModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  now?: (() => Date) | undefined;
}

/** Vital signs: recording per the FHIR vital-signs profile, BMI, trends; plausibility on FHIR writes too. */
export function registerVitalsModule(app: FastifyInstance, options: VitalsModuleOptions): VitalsService {
  options.fhir.repository.addWriteGuard('Observation', vitalSignsWriteGuard);
  const service = new VitalsService({
    repository: options.fhir.repository,
    search: options.fhir.search,
    audit: options.audit,
    ...(options.now ? { now: options.now } : {}),
  });
  registerVitalsRoutes(app, service);
  return service;
}
