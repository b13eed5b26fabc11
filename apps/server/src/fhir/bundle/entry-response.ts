import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { weakEtag } from '../core/ids';
import { type FhirError, informational } from '../core/outcome';
import { statusLine } from './bundle-outcome';

/** `Prefer: return=` for the resources of a response Bundle. */
export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export interface ResponseOptions {
  baseUrl: string;
  prefer: ReturnPreference;
}

/** The response entry of a write (or of a conditional create that found its resource). */
export function writtenEntry(
  resource: Resource,
  status: number,
  options: ResponseOptions,
  message: string,
): BundleEntry {
  const versionId = resource.meta?.versionId;
  const path = `${resource.resourceType}/${resource.id}`;
  const entry: BundleEntry = {
    fullUrl: `${options.baseUrl}/${path}`,
    response: {
      status: statusLine(status),
      location: versionId ? `${path}/_history/${versionId}` : path,
      ...(versionId ? { etag: weakEtag(versionId) } : {}),
      ...(resource.meta?.lastUpdated ? { lastModified: resource.meta.lastUpdated } : {}),
    },
  };
  if (options.prefer === 'representation') entry.resource = resource;
  if (options.prefer === 'OperationOutcome') entry.response!.outcome = informational(message);
  return entry;
}

/** The response entry of a read or search: the resource is always given back (that was the point). */
export function readEntry(resource: Resource, options: ResponseOptions, head: boolean): BundleEntry {
  const versionId = resource.meta?.versionId;
  const entry: BundleEntry = {
    ...(resource.id && resource.resourceType !== 'Bundle'
      ? { fullUrl: `${options.baseUrl}/${resource.resourceType}/${resource.id}` }
      : {}),
    response: {
      status: statusLine(200),
      ...(versionId ? { etag: weakEtag(versionId) } : {}),
      ...(resource.meta?.lastUpdated ? { lastModified: resource.meta.lastUpdated } : {}),
    },
  };
  if (!head) entry.resource = resource;
  return entry;
}

export function notModifiedEntry(resource: Resource): BundleEntry {
  const versionId = resource.meta?.versionId;
  return { response: { status: statusLine(304), ...(versionId ? { etag: weakEtag(versionId) } : {}) } };
}

export function deletedEntry(): BundleEntry {
  return { response: { status: statusLine(204) } };
}

/** A failed batch entry: its status and the OperationOutcome saying why. */
export function failedEntry(error: FhirError): BundleEntry {
  return { response: { status: statusLine(error.status), outcome: error.outcome } };
}
