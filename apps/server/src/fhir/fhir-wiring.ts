import type { Database } from '../platform/db';
import { createBundleService } from './bundle';
import { FhirRepository } from './core/repository';
import type { FhirServices } from './fhir-services';
import { OperationRegistry } from './operations/operation-registry';
import { FhirSearchService, searchIndexWriter } from './search';

export interface FhirWiringOptions {
  db: Database;
  now?: () => Date;
}

/** Builds the FHIR engine's services and wires them to each other. */
export function createFhirServices(options: FhirWiringOptions): FhirServices {
  const repository = new FhirRepository({
    db: options.db,
    index: searchIndexWriter,
    ...(options.now ? { now: options.now } : {}),
  });
  const operations = new OperationRegistry();
  const services: Omit<FhirServices, 'bundles'> = { repository, search: new FhirSearchService(options.db), operations };
  // Bundles use the same repository and search as the REST API, so entries behave like single requests.
  return { ...services, bundles: createBundleService(services) };
}
