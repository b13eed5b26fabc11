import type { Database } from '../../../platform/db';
import type { FhirRepository } from '../../core/repository';
import type { OperationRegistry } from '../operation-registry';
import { exportOperation } from './export.operation';
import { ExportWorker, type ExportWorkerOptions } from './export.worker';
import { exportStatusRoutes } from './export-status.handlers';

export interface BulkExportOptions {
  db: Database;
  repository: FhirRepository;
  exportDir: string;
  now: () => Date;
  worker?: Partial<
    Pick<ExportWorkerOptions, 'pageSize' | 'fileLimit' | 'staleAfterSeconds' | 'sweepIntervalMs' | 'onError'>
  >;
}

/** Bulk Data export: the $export kick-off, its status and file routes, and the background worker. */
export function registerBulkExport(operations: OperationRegistry, options: BulkExportOptions): ExportWorker {
  const worker = new ExportWorker({
    db: options.db,
    repository: options.repository,
    exportDir: options.exportDir,
    ...options.worker,
  });
  operations.register(exportOperation({ db: options.db, worker, now: options.now }));
  for (const route of exportStatusRoutes({ db: options.db, exportDir: options.exportDir })) operations.addRoute(route);
  operations.addBackground(worker);
  return worker;
}

export { ExportWorker } from './export.worker';
