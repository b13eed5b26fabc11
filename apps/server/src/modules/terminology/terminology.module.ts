import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import { expandOperation } from './operations/expand.operation';
import { lookupOperation } from './operations/lookup.operation';
import { validateCodeOperation } from './operations/validate-code.operation';
import { registerTerminologyRoutes } from './terminology.routes';
import { seedTerminology } from './terminology.seed';
import { TerminologyService } from './terminology.service';

export interface TerminologyModuleOptions {
  db: Database;
  fhir: FhirServices;
  /** The CLI's token for /admin/local routes (`meridian terminology import`). */
  localAdminToken: () => string | undefined;
}

/**
 * Terminology: the shipped code systems loaded at boot (idempotent, versioned), CodeSystem/$lookup,
 * $validate-code and ValueSet/$expand on the FHIR API, the web app's type-ahead and the CLI's import.
 */
export async function registerTerminologyModule(
  app: FastifyInstance,
  options: TerminologyModuleOptions,
): Promise<TerminologyService> {
  await seedTerminology(options.db);
  const service = new TerminologyService({ db: options.db });
  options.fhir.operations
    .register(lookupOperation(service))
    .register(validateCodeOperation(service))
    .register(expandOperation(service));
  registerTerminologyRoutes(app, service, options.localAdminToken);
  return service;
}
