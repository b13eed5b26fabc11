import type { Resource } from '@medplum/fhirtypes';
import { isResourceType } from '../core/definitions';
import { isValidId } from '../core/ids';
import { FhirError, fhirErrors } from '../core/outcome';

export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly EntryMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What an entry's `request.url` addresses, relative to this server's FHIR base. */
export interface EntryTarget {
  /** Omitted for system-level requests (`?_type=...`, `_history`). */
  type?: string;
  id?: string;
  versionId?: string;
  /** `_history` at the system, type or instance level. */
  history?: boolean;
  /** Query parameters in order (search criteria, conditional criteria). */
  params: [string, string][];
}

/** One Bundle entry, checked for shape and ready to run. */
export interface ParsedEntry {
  index: number;
  method: EntryMethod;
  url: string;
  target: EntryTarget;
  fullUrl?: string;
  /** The entry's resource (a copy: reference rewriting changes it). */
  resource?: Resource;
  ifMatch?: string;
  ifNoneExist?: [string, string][];
  /** GET of one resource: answer 304 when its current version is this ETag (or was not modified since). */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export type BundleKind = 'transaction' | 'batch';

export interface ParsedBundle {
  kind: BundleKind;
  entries: (ParsedEntry | FailedEntry)[];
}

/** The path of an entry in FHIRPath, as OperationOutcome.issue.expression names it. */
export function entryPath(index: number): string {
  return `Bundle.entry[${index}]`;
}

function invalidAt(diagnostics: string, expression: string): FhirError {
  return fhirErrors.invalid(diagnostics, expression);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseQuery(query: string): [string, string][] {
  return [...new URLSearchParams(query).entries()];
}

/**
 * Reads an entry's `request.url`: relative (`Patient/1`, `Patient?identifier=x`) or absolute on this
 * server's base. Anything else is refused, since this server cannot act on another server's resources.
 */
export function parseEntryUrl(url: string, baseUrl: string, where: string): EntryTarget {
  let relative = url.trim();
  if (relative.startsWith(`${baseUrl}/`) || relative === baseUrl) {
    relative = relative.slice(baseUrl.length);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    throw invalidAt(`'${url}' is not a URL on this server; use a URL relative to the FHIR base`, where);
  }
  relative = relative.replace(/^\/+/, '');
  const queryStart = relative.indexOf('?');
  const path = queryStart < 0 ? relative : relative.slice(0, queryStart);
  const params = queryStart < 0 ? [] : parseQuery(relative.slice(queryStart + 1));
  const segments = path.split('/').filter((segment) => segment !== '');
  const target: EntryTarget = { params };
  if (!segments.length) return target;
  if (segments[0] === '_history' && segments.length === 1) return { ...target, history: true };
  const [type, second, third, fourth, ...rest] = segments as [string, ...(string | undefined)[]];
  if (!isResourceType(type)) throw invalidAt(`Unknown resource type '${type}' in '${url}'`, where);
  target.type = type;
  if (second === undefined) return target;
  if (second.startsWith('$') || third?.startsWith('$')) {
    throw fhirErrors.notSupported(`Operations are not supported inside a Bundle ('${url}')`, where);
  }
  if (second === '_history' && third === undefined) return { ...target, history: true };
  if (second === '_search') throw fhirErrors.notSupported(`Use GET ${type}?... to search inside a Bundle`, where);
  if (!isValidId(second)) throw invalidAt(`'${second}' is not a valid resource id in '${url}'`, where);
  target.id = second;
  if (third === undefined) return target;
  if (third !== '_history' || rest.length) throw invalidAt(`Cannot read the URL '${url}'`, where);
  if (fourth === undefined) return { ...target, history: true };
  return { ...target, versionId: fourth };
}

/** Checks the entry's method against what its URL addresses, the way the REST API would. */
function checkShape(entry: ParsedEntry, where: string): void {
  const { method, target, resource } = entry;
  const conditional = !target.id && target.params.length > 0;
  const instance = Boolean(target.id) && !target.versionId && !target.history;
  const needsResource = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (needsResource && !resource) throw invalidAt(`A ${method} entry needs a resource`, `${where}.resource`);
  if (method === 'GET' || method === 'HEAD') {
    if (!target.type && !target.history && !target.params.length) {
      throw invalidAt(`Cannot ${method} '${entry.url}'`, `${where}.request.url`);
    }
    return;
  }
  if (!target.type || target.history || target.versionId) {
    throw invalidAt(`Cannot ${method} '${entry.url}'`, `${where}.request.url`);
  }
  if (method === 'POST') {
    if (target.id || target.params.length) {
      throw invalidAt(
        `POST creates at the type level ('${target.type}'), not at '${entry.url}'`,
        `${where}.request.url`,
      );
    }
  } else if (!instance && !conditional) {
    throw invalidAt(`${method} needs a resource id or search criteria in '${entry.url}'`, `${where}.request.url`);
  }
  if ((method === 'POST' || method === 'PUT') && resource?.resourceType !== target.type) {
    throw invalidAt(
      `resourceType '${String(resource?.resourceType)}' does not match the URL's '${target.type}'`,
      `${where}.resource.resourceType`,
    );
  }
}

/** Problems with one entry that a batch reports for that entry alone. */
export interface FailedEntry {
  index: number;
  error: FhirError;
}

function parseEntry(raw: unknown, index: number, baseUrl: string): ParsedEntry | FailedEntry {
  const where = entryPath(index);
  // Structure first: without a method and url there is no entry to answer, so the Bundle itself is refused.
  if (!isObject(raw)) throw invalidAt('A Bundle entry must be an object', where);
  const request = raw.request;
  if (!isObject(request)) throw invalidAt('Each entry of a transaction or batch needs a request', `${where}.request`);
  const method = typeof request.method === 'string' ? (request.method.toUpperCase() as EntryMethod) : undefined;
  if (!method || !METHODS.includes(method)) {
    throw invalidAt(`Unknown request method '${String(request.method)}'`, `${where}.request.method`);
  }
  if (typeof request.url !== 'string' || !request.url.trim()) {
    throw invalidAt('The request needs a url', `${where}.request.url`);
  }
  try {
    if (raw.resource !== undefined && !isObject(raw.resource)) {
      throw invalidAt('The entry resource must be a FHIR resource (a JSON object)', `${where}.resource`);
    }
    if (raw.fullUrl !== undefined && typeof raw.fullUrl !== 'string') {
      throw invalidAt('fullUrl must be a string', `${where}.fullUrl`);
    }
    const entry: ParsedEntry = {
      index,
      method,
      url: request.url,
      target: parseEntryUrl(request.url, baseUrl, `${where}.request.url`),
      ...(raw.fullUrl ? { fullUrl: raw.fullUrl as string } : {}),
      // Deep copy: references are rewritten in place and the caller's object must stay as it was.
      ...(raw.resource ? { resource: structuredClone(raw.resource) as unknown as Resource } : {}),
    };
    if (typeof request.ifMatch === 'string') entry.ifMatch = request.ifMatch;
    if (typeof request.ifNoneMatch === 'string') entry.ifNoneMatch = request.ifNoneMatch;
    if (typeof request.ifModifiedSince === 'string') entry.ifModifiedSince = request.ifModifiedSince;
    if (typeof request.ifNoneExist === 'string') {
      const criteria = parseQuery(request.ifNoneExist.replace(/^[^?]*\?/, ''));
      if (!criteria.length) throw invalidAt('ifNoneExist needs search criteria', `${where}.request.ifNoneExist`);
      if (method !== 'POST') throw invalidAt('ifNoneExist applies to POST only', `${where}.request.ifNoneExist`);
      entry.ifNoneExist = criteria;
    }
    checkShape(entry, where);
    return entry;
  } catch (error) {
    if (error instanceof FhirError) return { index, error };
    throw error;
  }
}

export function isFailed(entry: ParsedEntry | FailedEntry): entry is FailedEntry {
  return 'error' in entry;
}

/**
 * Checks a request body is a transaction or batch Bundle and reads every entry. Shape problems are
 * refused before anything runs, with the path of the offending element.
 */
export function parseBundle(body: unknown, baseUrl: string): ParsedBundle {
  if (!isObject(body)) throw fhirErrors.invalid('The body must be a Bundle (a JSON object)');
  if (body.resourceType !== 'Bundle') {
    throw invalidAt(`POST to the FHIR base takes a Bundle, not '${String(body.resourceType)}'`, 'Bundle.resourceType');
  }
  if (body.type !== 'transaction' && body.type !== 'batch') {
    throw invalidAt(
      `Bundle type '${String(body.type)}' cannot be processed; send a 'transaction' or 'batch'`,
      'Bundle.type',
    );
  }
  if (body.entry !== undefined && !Array.isArray(body.entry)) {
    throw invalidAt('Bundle.entry must be an array', 'Bundle.entry');
  }
  const rawEntries = (body.entry ?? []) as unknown[];
  return { kind: body.type, entries: rawEntries.map((raw, index) => parseEntry(raw, index, baseUrl)) };
}

/** Where an entry's resource lives, for expressions (`Bundle.entry[3].resource`). */
export function resourcePath(index: number): string {
  return `${entryPath(index)}.resource`;
}
