import type { Database } from '../platform/db';
import { createBundleService } from './bundle';
import { FhirRepository } from './core/repository';
import type { FhirServices } from './fhir-services';
import { everythingOperation } from './operations/everything.operation';
import { registerBulkExport } from './operations/export';
import { metaAddOperation, metaDeleteOperation, metaOperation } from './operations/meta.operation';
import { OperationRegistry } from './operations/operation-registry';
import { validateOperation } from './operations/validate.operation';
import { FhirSearchService, searchIndexWriter } from './search';

export interface FhirWiringOptions {
  db: Database;
  now?: () => Date;
  /** Folder for bulk export files (config EXPORT_DIR, else DATA_DIR/exports). */
  exportDir: string;
}

/** Builds the FHIR engine's services and wires them to each other. */
export function createFhirServices(options: FhirWiringOptions): FhirServices {
  const repository = new FhirRepository({
    db: options.db,
    index: searchIndexWriter,
    ...(options.now ? { now: options.now } : {}),
  });
  const operations = new OperationRegistry();
  operations.register(validateOperation);
  operations.register(metaOperation).register(metaAddOperation).register(metaDeleteOperation);
  operations.register(everythingOperation);
  registerBulkExport(operations, {
    db: options.db,
    repository,
    exportDir: options.exportDir,
    now: options.now ?? (() => new Date()),
  });
  const services: Omit<FhirServices, 'bundles'> = { repository, search: new FhirSearchService(options.db), operations };
  // Bundles use the same repository and search as the REST API, so entries behave like single requests.
  return { ...services, bundles: createBundleService(services) };
}
