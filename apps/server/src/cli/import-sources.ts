import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

/** Where one resource of an import came from, for the report. */
export interface EntrySource {
  file: string;
  /** 1-based line of an NDJSON file. */
  line?: number;
  /** 0-based entry index in a Bundle file. */
  entry?: number;
  resourceType?: string;
  id?: string;
}

export interface Rejection extends EntrySource {
  /** HTTP status of the failure (0 when the file could not be read or parsed). */
  status: number;
  diagnostics: string;
  expression?: string[];
  /** Set when a whole transaction was refused: how many resources it held, none of which were stored. */
  bundleEntries?: number;
}

/** One request of an import: a Bundle to POST, and where each of its entries came from. */
export interface ImportUnit {
  file: string;
  bundle: Bundle;
  sources: EntrySource[];
  /** Bytes of input this unit covers (progress). */
  bytes: number;
  /**
   * How a refused transaction is handled: 'reject' reports the whole Bundle (a transaction from a file
   * stands or falls as one), 'retry-as-batch' sends the entries again one by one (NDJSON lines are
   * independent, so the good ones still get in and each bad one is reported with its reason).
   */
  onFailure: 'reject' | 'retry-as-batch';
  /** Problems found before sending (lines that are not JSON, resources without a type). */
  rejected: Rejection[];
}

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Referenced-before-referencing order for NDJSON files, so references point at resources already stored
 * (the server does not require it on plain writes, but conditional references do).
 */
const TYPE_ORDER = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'HealthcareService',
  'Endpoint',
  'Substance',
  'Medication',
  'Device',
  'Patient',
  'RelatedPerson',
  'Group',
  'EpisodeOfCare',
  'Encounter',
  'CarePlan',
  'CareTeam',
  'Condition',
  'AllergyIntolerance',
  'ServiceRequest',
  'MedicationRequest',
  'Specimen',
  'Observation',
  'DiagnosticReport',
];
const LAST_TYPES = ['Provenance', 'AuditEvent'];

/** Synthea writes shared records (hospitals, practitioners) to files of their own, loaded before patients. */
const SHARED_JSON = /^(hospitalInformation|practitionerInformation)/i;

function typeRank(file: string): number {
  const type = basename(file).split('.')[0] ?? '';
  const index = TYPE_ORDER.indexOf(type);
  if (index >= 0) return index;
  return LAST_TYPES.includes(type) ? TYPE_ORDER.length + 1 : TYPE_ORDER.length;
}

/** The files to import under a path, in the order they are loaded. */
export function listImportFiles(path: string): string[] {
  const found: string[] = [];
  const visit = (current: string) => {
    const stat = statSync(current);
    if (stat.isDirectory()) {
      for (const name of readdirSync(current).sort()) {
        if (!name.startsWith('.')) visit(join(current, name));
      }
    } else if (/\.(ndjson|json)$/i.test(current)) {
      found.push(current);
    }
  };
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  visit(path);
  const shared = found.filter((file) => file.endsWith('.json') && SHARED_JSON.test(basename(file)));
  const ndjson = found
    .filter((file) => /\.ndjson$/i.test(file))
    .sort((a, b) => typeRank(a) - typeRank(b) || a.localeCompare(b));
  const others = found.filter((file) => /\.json$/i.test(file) && !shared.includes(file));
  return [...shared, ...ndjson, ...others];
}

/** Resources that carry a valid id keep it (update-as-create), so importing twice changes nothing. */
function entryFor(resource: Resource, fullUrl?: string): BundleEntry {
  const keepsId = typeof resource.id === 'string' && ID_PATTERN.test(resource.id);
  return {
    ...(fullUrl ? { fullUrl } : {}),
    resource,
    request: keepsId
      ? { method: 'PUT', url: `${resource.resourceType}/${resource.id}` }
      : { method: 'POST', url: resource.resourceType },
  };
}

function describe(file: string, resource: unknown, where: { line?: number; entry?: number }): EntrySource {
  const candidate = (resource ?? {}) as { resourceType?: unknown; id?: unknown };
  return {
    file,
    ...where,
    ...(typeof candidate.resourceType === 'string' ? { resourceType: candidate.resourceType } : {}),
    ...(typeof candidate.id === 'string' ? { id: candidate.id } : {}),
  };
}

function isResourceLike(value: unknown): value is Resource {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { resourceType?: unknown }).resourceType === 'string'
  );
}

/** NDJSON: chunks of `batchSize` lines, each sent as one transaction of update-as-create entries. */
export async function* ndjsonUnits(file: string, batchSize: number): AsyncGenerator<ImportUnit> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let unit = emptyUnit(file, 'retry-as-batch');
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber++;
    unit.bytes += Buffer.byteLength(text) + 1;
    if (!text.trim()) continue;
    let resource: unknown;
    try {
      resource = JSON.parse(text);
    } catch (error) {
      unit.rejected.push({
        file,
        line: lineNumber,
        status: 0,
        diagnostics: `Not valid JSON: ${(error as Error).message}`,
      });
      continue;
    }
    if (!isResourceLike(resource)) {
      unit.rejected.push({
        ...describe(file, resource, { line: lineNumber }),
        status: 0,
        diagnostics: 'Not a FHIR resource (no resourceType)',
      });
      continue;
    }
    unit.bundle.entry!.push(entryFor(resource));
    unit.sources.push(describe(file, resource, { line: lineNumber }));
    if (unit.sources.length >= batchSize) {
      yield unit;
      unit = emptyUnit(file, 'retry-as-batch');
    }
  }
  if (unit.sources.length || unit.rejected.length || unit.bytes) yield unit;
}

function emptyUnit(file: string, onFailure: ImportUnit['onFailure']): ImportUnit {
  return {
    file,
    bundle: { resourceType: 'Bundle', type: 'transaction', entry: [] },
    sources: [],
    bytes: 0,
    onFailure,
    rejected: [],
  };
}

/**
 * A .json file: a transaction or batch Bundle is sent as it is (creates of resources that carry an id
 * become update-as-create, so a second import does not duplicate them); a collection or searchset becomes
 * a transaction of its resources, placeholders (`urn:uuid:`) included; a single resource is written alone.
 */
export function jsonUnit(file: string): ImportUnit {
  const bytes = statSync(file).size;
  const unit = emptyUnit(file, 'reject');
  unit.bytes = bytes;
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    unit.rejected.push({ file, status: 0, diagnostics: `Not valid JSON: ${(error as Error).message}` });
    return unit;
  }
  if (!isResourceLike(body)) {
    unit.rejected.push({ file, status: 0, diagnostics: 'Not a FHIR resource or Bundle (no resourceType)' });
    return unit;
  }
  if (
    body.resourceType !== 'Bundle' ||
    !['transaction', 'batch', 'collection', 'searchset'].includes(String(body.type))
  ) {
    unit.bundle = { resourceType: 'Bundle', type: 'batch', entry: [entryFor(body)] };
    unit.sources.push(describe(file, body, {}));
    return unit;
  }
  const bundle = body as Bundle;
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  if (bundle.type === 'transaction' || bundle.type === 'batch') {
    unit.bundle = { ...bundle, entry: entries.map(keepIds) };
    unit.sources = entries.map((entry, index) => describe(file, entry?.resource, { entry: index }));
    return unit;
  }
  unit.bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };
  entries.forEach((entry, index) => {
    if (isResourceLike(entry?.resource)) {
      unit.bundle.entry!.push(entryFor(entry.resource, entry.fullUrl));
      unit.sources.push(describe(file, entry.resource, { entry: index }));
    } else {
      unit.rejected.push({ file, entry: index, status: 0, diagnostics: 'The entry has no resource' });
    }
  });
  return unit;
}

function keepIds(entry: BundleEntry): BundleEntry {
  const request = entry?.request;
  const resource = entry?.resource;
  if (
    request?.method === 'POST' &&
    !request.ifNoneExist &&
    resource?.id &&
    ID_PATTERN.test(resource.id) &&
    request.url === resource.resourceType
  ) {
    return { ...entry, request: { ...request, method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
  }
  return entry;
}
