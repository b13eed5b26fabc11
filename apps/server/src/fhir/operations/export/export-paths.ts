import { join } from 'node:path';

/** Where a job's files live: one folder per tenant, then per job, so no path is shared across tenants. */
export function jobFolder(exportDir: string, tenantId: string, jobId: string): string {
  return join(exportDir, tenantId, jobId);
}

export const STATUS_PATH = '$export-status';
export const FILE_PATH = '$export-file';

export function statusUrl(baseUrl: string, jobId: string): string {
  return `${baseUrl}/${STATUS_PATH}/${jobId}`;
}

export function fileUrl(baseUrl: string, jobId: string, file: string): string {
  return `${baseUrl}/${FILE_PATH}/${jobId}/${file}`;
}

/** Output file names the worker writes: `Observation-1.ndjson`. Anything else is not served. */
export const OUTPUT_FILE = /^[A-Z][A-Za-z]+-\d+\.ndjson$/;
