import type { Database } from '../platform/db';
import { fhirErrors } from './core/outcome';
import { FhirRepository } from './core/repository';
import type { BundleService, FhirServices } from './fhir-services';
import { OperationRegistry } from './operations/operation-registry';
import { pendingIndexWriter, pendingSearch } from './search/pending-search';

const pendingBundles: BundleService = {
  async process() {
    throw fhirErrors.notSupported('Batch and transaction Bundles are not available yet');
  },
};

export interface FhirWiringOptions {
  db: Database;
  now?: () => Date;
}

/** Builds the FHIR engine's services and wires them to each other. */
export function createFhirServices(options: FhirWiringOptions): FhirServices {
  const repository = new FhirRepository({
    db: options.db,
    index: pendingIndexWriter,
    ...(options.now ? { now: options.now } : {}),
  });
  const operations = new OperationRegistry();
  return { repository, search: pendingSearch, bundles: pendingBundles, operations };
}
