import { type Database, StatisticsKeeper } from '../platform/db';
import { createBundleService } from './bundle';
import { type FhirWriteHooks, HookedRepository, withExtraIndexes } from './core/write-hooks';
import type { FhirServices } from './fhir-services';
import { everythingOperation } from './operations/everything.operation';
import { registerBulkExport } from './operations/export';
import { metaAddOperation, metaDeleteOperation, metaOperation } from './operations/meta.operation';
import { OperationRegistry } from './operations/operation-registry';
import { validateOperation } from './operations/validate.operation';
import { FhirSearchService, searchIndexWriter } from './search';
import type { SearchIndexWriter } from './search/search-index';

/** The tables search plans read; their statistics are kept fresh by the StatisticsKeeper. */
export const FHIR_TABLES = [
  'fhir_resource',
  'fhir_sp_string',
  'fhir_sp_token',
  'fhir_sp_reference',
  'fhir_sp_date',
  'fhir_sp_number',
  'fhir_sp_quantity',
  'fhir_sp_uri',
  'fhir_sp_composite',
];

/** The index writer, counting writes for the statistics keeper (every resource write passes through it). */
function countingIndexWriter(inner: SearchIndexWriter, statistics: StatisticsKeeper): SearchIndexWriter {
  return {
    async write(db, tenantId, resourceType, id, resource) {
      await inner.write(db, tenantId, resourceType, id, resource);
      statistics.noteWrites(1);
    },
    ...(inner.writeMany
      ? {
          async writeMany(db, tenantId, resources) {
            await inner.writeMany!(db, tenantId, resources);
            statistics.noteWrites(resources.length);
          },
        }
      : {}),
  };
}

export interface FhirWiringOptions {
  db: Database;
  now?: () => Date;
  /** Folder for bulk export files (config EXPORT_DIR, else DATA_DIR/exports). */
  exportDir: string;
  /** What modules add to every write (assigned fields, derived tables). */
  hooks?: FhirWriteHooks;
}

/** Builds the FHIR engine's services and wires them to each other. */
export function createFhirServices(options: FhirWiringOptions): FhirServices {
  const statistics = new StatisticsKeeper({ db: options.db, tables: FHIR_TABLES });
  const repository = new HookedRepository(
    {
      db: options.db,
      index: withExtraIndexes(countingIndexWriter(searchIndexWriter, statistics), options.hooks?.indexes),
      ...(options.now ? { now: options.now } : {}),
    },
    options.hooks?.beforeWrite ?? {},
  );
  const operations = new OperationRegistry();
  operations.addBackground({ start: async () => statistics.start(), stop: () => statistics.stop() });
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
