import type { Binary, BundleEntry, Resource } from '@medplum/fhirtypes';
import { newId, parseEtag } from '../core/ids';
import { FhirError, fhirErrors, issue } from '../core/outcome';
import { type FhirContext, parseStored } from '../core/repository';
import type { SearchService } from '../fhir-services';
import { historyBundle, parseHistoryParams } from '../http/history';
import { entryPath, type ParsedEntry, parseQuery, resourcePath } from './bundle-entry';
import { errorAtEntry } from './bundle-outcome';
import { type ConditionalDeps, findSingleMatch, lockAllCriteria, normaliseCriteria } from './conditional-writes';
import { deletedEntry, notModifiedEntry, type ResponseOptions, readEntry, writtenEntry } from './entry-response';
import { collectConditionalReferences, parseConditionalReference, rewriteReferences } from './reference-rewrite';

export interface ExecutorDeps extends ConditionalDeps {
  search: SearchService;
}

/** The resource an entry writes, once its identity is settled. */
interface Identity {
  type: string;
  id: string;
  /** A conditional create that found its resource (or follows an earlier entry with the same criteria). */
  existing?: boolean;
}

const ORDER: Record<ParsedEntry['method'], number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/**
 * Runs entries on one open transaction (`ctx.tx`), in the order the specification sets: DELETE, then
 * POST, then PUT and PATCH, then GET and HEAD. Before any create or update, every entry's identity is
 * settled (new ids for creates, matches for conditional ones) so placeholders (`urn:uuid:` fullUrls) and
 * conditional references can be rewritten in every resource first. Any failure throws an error naming
 * its entry; the caller rolls the transaction back.
 */
export async function executeEntries(
  deps: ExecutorDeps,
  ctx: FhirContext,
  entries: ParsedEntry[],
  options: ResponseOptions,
): Promise<Map<number, BundleEntry>> {
  const responses = new Map<number, BundleEntry>();
  const sorted = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
  const run = async (entry: ParsedEntry, work: () => Promise<BundleEntry | undefined>) => {
    try {
      const response = await work();
      if (response) responses.set(entry.index, response);
    } catch (error) {
      throw errorAtEntry(error, entry.index, entry.target.type);
    }
  };

  const claimed = new Map<string, number>();
  const claim = (entry: ParsedEntry, identity: string) => {
    const other = claimed.get(identity);
    if (other !== undefined && other !== entry.index) {
      throw fhirErrors.invalid(
        `Entries ${other} and ${entry.index} both change ${identity}; a transaction may change a resource once`,
      );
    }
    claimed.set(identity, entry.index);
  };

  const fullUrls = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.fullUrl) continue;
    const other = fullUrls.get(entry.fullUrl);
    if (other !== undefined) {
      throw fhirErrors.invalid(
        `Entries ${other} and ${entry.index} have the same fullUrl '${entry.fullUrl}'`,
        `Bundle.entry[${entry.index}].fullUrl`,
      );
    }
    fullUrls.set(entry.fullUrl, entry.index);
  }

  // 1. Deletes.
  for (const entry of sorted) {
    if (entry.method !== 'DELETE') continue;
    await run(entry, async () => {
      const type = entry.target.type!;
      const id =
        entry.target.id ??
        (await atPath(
          findSingleMatch(deps, ctx, type, entry.target.params, 'The conditional delete'),
          `${entryPath(entry.index)}.request.url`,
        ));
      if (!id) return deletedEntry();
      claim(entry, `${type}/${id}`);
      await deps.repository.delete(ctx, type, id, entry.ifMatch ? { ifMatch: entry.ifMatch } : {});
      return deletedEntry();
    });
  }

  // 2. Identities of everything written, and the placeholder → Type/id map. Conditional creates and updates
  // first lock their criteria, all at once and in a fixed order.
  await lockAllCriteria(
    ctx.tx!,
    ctx.tenantId,
    sorted.flatMap((entry) => {
      if (entry.method === 'POST' && entry.ifNoneExist)
        return [{ type: entry.target.type!, params: entry.ifNoneExist }];
      if (entry.method === 'PUT' && !entry.target.id)
        return [{ type: entry.target.type!, params: entry.target.params }];
      return [];
    }),
  );
  const identities = new Map<number, Identity>();
  const replacements = new Map<string, string>();
  const createdByCriteria = new Map<string, string>();
  for (const entry of sorted) {
    if (entry.method !== 'POST' && entry.method !== 'PUT' && entry.method !== 'PATCH') continue;
    await run(entry, async () => {
      const identity = await settleIdentity(deps, ctx, entry, createdByCriteria);
      if (!identity.existing) claim(entry, `${identity.type}/${identity.id}`);
      identities.set(entry.index, identity);
      if (entry.fullUrl) replacements.set(entry.fullUrl, `${identity.type}/${identity.id}`);
      return undefined;
    });
  }

  // 3. Conditional references resolve against what is stored, each to exactly one resource.
  const resolved = new Map<string, string>();
  for (const entry of sorted) {
    if (!entry.resource || entry.method === 'PATCH') continue;
    for (const { reference, path } of collectConditionalReferences(entry.resource)) {
      if (resolved.has(reference) || replacements.has(reference)) continue;
      try {
        resolved.set(reference, await resolveConditionalReference(deps, ctx, reference));
      } catch (error) {
        throw withPath(error, `${resourcePath(entry.index)}.${path}`);
      }
    }
  }
  for (const [reference, target] of resolved) replacements.set(reference, target);

  // 4. Placeholders and conditional references become real references everywhere.
  if (replacements.size) {
    for (const entry of entries)
      if (entry.resource && entry.method !== 'PATCH') rewriteReferences(entry.resource, replacements);
  }

  // 5 and 6. Creates and updates in one bulk write (a few statements for the whole Bundle), then patches.
  const bulk = sorted.filter((entry) => {
    const identity = identities.get(entry.index);
    return identity && (entry.method === 'PUT' || (entry.method === 'POST' && !identity.existing));
  });
  if (bulk.length) {
    const results = await deps.repository.writeMany(
      ctx,
      bulk.map((entry) => {
        const { type, id } = identities.get(entry.index)!;
        const resource = entry.method === 'PUT' && !entry.target.id ? { ...entry.resource!, id } : entry.resource!;
        return {
          resourceType: type,
          id,
          resource: resource as Resource,
          create: entry.method === 'POST',
          ...(entry.ifMatch ? { ifMatch: entry.ifMatch } : {}),
        };
      }),
      (position, error) => errorAtEntry(error, bulk[position]!.index, bulk[position]!.target.type),
    );
    results.forEach((result, position) => {
      const entry = bulk[position]!;
      const { type, id } = identities.get(entry.index)!;
      const status = entry.method === 'POST' || result.created ? 201 : 200;
      const message = `${entry.method === 'POST' ? 'Created' : 'Updated'} ${type}/${id}`;
      responses.set(entry.index, writtenEntry(result.resource, status, options, message));
    });
  }
  const written = new Set(bulk);
  for (const entry of sorted) {
    const identity = identities.get(entry.index);
    if (!identity || written.has(entry)) continue;
    await run(entry, () => write(deps, ctx, entry, identity, options));
  }

  // 7. Reads and searches see the transaction's own writes.
  for (const entry of sorted) {
    if (entry.method !== 'GET' && entry.method !== 'HEAD') continue;
    await run(entry, () => read(deps, ctx, entry, options));
  }
  return responses;
}

async function settleIdentity(
  deps: ExecutorDeps,
  ctx: FhirContext,
  entry: ParsedEntry,
  createdByCriteria: Map<string, string>,
): Promise<Identity> {
  const type = entry.target.type!;
  if (entry.method === 'POST') {
    if (!entry.ifNoneExist) return { type, id: newId() };
    const key = `${type}?${normaliseCriteria(entry.ifNoneExist)}`;
    const earlier = createdByCriteria.get(key);
    if (earlier) return { type, id: earlier, existing: true };
    const match = await atPath(
      findSingleMatch(deps, ctx, type, entry.ifNoneExist, 'ifNoneExist'),
      `${entryPath(entry.index)}.request.ifNoneExist`,
    );
    if (match) return { type, id: match, existing: true };
    const id = newId();
    createdByCriteria.set(key, id);
    return { type, id };
  }
  if (entry.target.id) return { type, id: entry.target.id };
  const criteria = entry.target.params;
  if (entry.method === 'PATCH') {
    const match = await atPath(
      findSingleMatch(deps, ctx, type, criteria, 'The conditional patch'),
      `${entryPath(entry.index)}.request.url`,
    );
    if (!match) throw fhirErrors.notFound(type, `?${normaliseCriteria(criteria)}`);
    return { type, id: match };
  }
  const match = await atPath(
    findSingleMatch(deps, ctx, type, criteria, 'The conditional update'),
    `${entryPath(entry.index)}.request.url`,
  );
  const bodyId = entry.resource?.id;
  if (match && bodyId && bodyId !== match) {
    throw fhirErrors.invalid(`Resource id '${bodyId}' does not match the resource found (${match})`, 'id');
  }
  return { type, id: match ?? bodyId ?? newId() };
}

async function resolveConditionalReference(deps: ExecutorDeps, ctx: FhirContext, reference: string): Promise<string> {
  const parsed = parseConditionalReference(reference)!;
  deps.repository.checkType(parsed.type);
  const ids = await deps.search.findIds(ctx, parsed.type, parseQuery(parsed.query), 2);
  if (ids.length > 1) throw fhirErrors.multipleMatches(`The conditional reference '${reference}'`);
  if (!ids.length) {
    throw new FhirError(
      412,
      [issue('not-found', `The conditional reference '${reference}' matches no resource`)],
      'FHIR_REFERENCE_UNRESOLVED',
    );
  }
  return `${parsed.type}/${ids[0]}`;
}

/**
 * Errors about search criteria or a conditional reference point at where the criteria were written in the
 * Bundle (`Bundle.entry[2].request.url`), not at a search parameter name.
 */
function withPath(error: unknown, path: string): unknown {
  if (!(error instanceof FhirError)) return error;
  const issues = error.issues.map((found) => ({ ...found, expression: [path] }));
  return new FhirError(error.status, issues, error.errorCode);
}

async function atPath<T>(work: Promise<T>, path: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw withPath(error, path);
  }
}

/** The writes the bulk path does not take: a conditional create that found its resource, and patches. */
async function write(
  deps: ExecutorDeps,
  ctx: FhirContext,
  entry: ParsedEntry,
  identity: Identity,
  options: ResponseOptions,
): Promise<BundleEntry> {
  const { type, id } = identity;
  if (entry.method === 'POST') {
    const existing = await deps.repository.read(ctx, type, id);
    return writtenEntry(existing, 200, options, `${type}/${id} already exists`);
  }
  const ifMatch = entry.ifMatch ? { ifMatch: entry.ifMatch } : {};
  const patched = await deps.repository.patch(ctx, type, id, patchOperations(entry.resource!), ifMatch);
  return writtenEntry(patched, 200, options, `Patched ${type}/${id}`);
}

/** `ifNoneMatch` / `ifModifiedSince` of a read: the client's copy is still current. */
function notModified(entry: ParsedEntry, resource: Resource): boolean {
  const versionId = resource.meta?.versionId;
  if (entry.ifNoneMatch !== undefined) {
    return entry.ifNoneMatch.trim() === '*' || (versionId !== undefined && parseEtag(entry.ifNoneMatch) === versionId);
  }
  if (entry.ifModifiedSince !== undefined && resource.meta?.lastUpdated) {
    const since = Date.parse(entry.ifModifiedSince);
    // HTTP dates have whole seconds: compare at that precision.
    return !Number.isNaN(since) && Math.floor(Date.parse(resource.meta.lastUpdated) / 1000) * 1000 <= since;
  }
  return false;
}

/** A PATCH entry carries its JSON Patch as a Binary (application/json-patch+json, base64 data). */
function patchOperations(resource: Resource): unknown {
  if (resource.resourceType === 'Parameters') {
    throw fhirErrors.notSupported(
      'FHIRPath Patch (a Parameters body) is not supported; send a JSON Patch as a Binary',
      'resourceType',
    );
  }
  if (resource.resourceType !== 'Binary') {
    throw fhirErrors.invalid('A PATCH entry carries its JSON Patch as a Binary resource', 'resourceType');
  }
  const binary = resource as Binary;
  if (!binary.contentType?.startsWith('application/json-patch+json')) {
    throw fhirErrors.notSupported(
      `Patch content type '${String(binary.contentType)}' is not supported`,
      'Binary.contentType',
    );
  }
  try {
    return JSON.parse(Buffer.from(binary.data ?? '', 'base64').toString('utf8'));
  } catch {
    throw fhirErrors.invalid('Binary.data is not a base64-encoded JSON Patch', 'Binary.data');
  }
}

async function read(
  deps: ExecutorDeps,
  ctx: FhirContext,
  entry: ParsedEntry,
  options: ResponseOptions,
): Promise<BundleEntry> {
  const { type, id, versionId, history, params } = entry.target;
  const head = entry.method === 'HEAD';
  if (history) {
    const query = { ...parseHistoryParams(params), ...(type ? { resourceType: type } : {}), ...(id ? { id } : {}) };
    const versions = await deps.repository.history(ctx, query);
    if (id && !versions.length) throw fhirErrors.notFound(type!, id);
    const self = `${options.baseUrl}/${[type, id, '_history'].filter(Boolean).join('/')}`;
    return readEntry(await historyBundle(versions, query, self, options.baseUrl), options, head);
  }
  if (type && id && versionId) {
    const stored = await deps.repository.vread(ctx, type, id, versionId);
    return readEntry(parseStored(stored), options, head);
  }
  if (type && id) {
    const resource = await deps.repository.read(ctx, type, id);
    return notModified(entry, resource) ? notModifiedEntry(resource) : readEntry(resource, options, head);
  }
  const bundle = await deps.search.search(
    ctx,
    { ...(type ? { resourceType: type } : {}), params, handling: 'lenient' },
    options.baseUrl,
  );
  return readEntry(bundle, options, head);
}
