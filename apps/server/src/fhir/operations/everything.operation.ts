import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { permitted } from '../core/access';
import { isResourceType, searchParametersFor } from '../core/definitions';
import { fhirErrors } from '../core/outcome';
import { readMany } from '../core/resource-store';
import { includeFilter } from '../search/search-access';
import { parseInstant, readParams } from './operation-params';
import type { FhirOperation, OperationInput } from './operation-registry';
import { compartmentParams, isPatientSpecific, patientCompartmentTypes } from './patient-compartment';
import { typesReferencingPatient } from './patient-compartment.store';

const DEFAULT_COUNT = 100;
const MAX_COUNT = 1000;
/** Compartment members of one type beyond this are refused rather than half-served. */
const MAX_PER_TYPE = 10_000;

interface Ref {
  resourceType: string;
  id: string;
}

/**
 * Patient/[id]/$everything: the patient, everything in their compartment (found through the search
 * service, by the parameters the Patient CompartmentDefinition names for each type), and the shared
 * resources those point to (practitioners, organisations, medications, locations...), as a searchset
 * Bundle paged with `_count` and an offset cursor.
 */
export const everythingOperation: FhirOperation = {
  name: 'everything',
  levels: ['instance'],
  resourceTypes: ['Patient'],
  methods: ['GET', 'POST'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
  affectsState: false,
  async handle(input) {
    const { ctx, services } = input;
    const patientId = input.id!;
    const params = readParams(input);
    const start = parseDate(params.get('start'), 'start');
    const end = parseDate(params.get('end'), 'end');
    const since = parseInstant(params.get('_since'), '_since');
    const count = parseCount(params.get('_count'));
    const offset = parseOffset(params.get('_offset'));
    const wanted = parseTypes(params.getAll('_type'));

    const patient = await services.repository.read(ctx, 'Patient', patientId);
    const members: Ref[] = [];
    if (!wanted || wanted.has('Patient')) {
      if (!since || (patient.meta?.lastUpdated ?? '') >= since)
        members.push({ resourceType: 'Patient', id: patientId });
    }
    const referencing = await services.repository.reading(ctx, (db) =>
      typesReferencingPatient(db, ctx.tenantId, patientId),
    );
    // Types the caller may not search are left out, not refused: $everything is everything they may see.
    const searchable = await services.repository.reading(ctx, async (db) => {
      const open = new Set<string>();
      for (const type of patientCompartmentTypes()) {
        if (await permitted(ctx.access, db, 'search', type)) open.add(type);
      }
      return open;
    });
    for (const type of patientCompartmentTypes()) {
      if ((wanted && !wanted.has(type)) || !referencing.has(type) || !searchable.has(type)) continue;
      const filters: [string, string][] = [];
      if (since) filters.push(['_lastUpdated', `ge${since}`]);
      if ((start || end) && searchParametersFor(type).date?.type === 'date') {
        if (start) filters.push(['date', `ge${start}`]);
        if (end) filters.push(['date', `le${end}`]);
      }
      const ids = new Set<string>();
      for (const param of compartmentParams(type)) {
        const found = await services.search.findIds(
          ctx,
          type,
          [[param, `Patient/${patientId}`], ...filters],
          MAX_PER_TYPE + 1,
        );
        for (const id of found) ids.add(id);
      }
      if (ids.size > MAX_PER_TYPE) {
        throw fhirErrors.tooCostly(
          `This patient has more than ${MAX_PER_TYPE} ${type} resources; narrow with _type, _since, start or end, or use Patient/$export`,
        );
      }
      if (type === 'Patient') ids.delete(patientId);
      for (const id of [...ids].sort()) members.push({ resourceType: type, id });
    }

    const pageRefs = members.slice(offset, offset + count);
    const page = await services.repository.reading(ctx, (db) => readMany(db, ctx.tenantId, pageRefs));
    const byKey = new Map(page.map((stored) => [`${stored.resourceType}/${stored.id}`, stored]));
    const resources = pageRefs
      .map((ref) => byKey.get(`${ref.resourceType}/${ref.id}`))
      .filter((stored) => stored?.content)
      .map((stored) => JSON.parse(stored!.content!) as Resource);

    const shared = sharedReferences(resources, input.baseUrl, wanted);
    const included = await services.repository.reading(ctx, async (db) => {
      const found = await readMany(db, ctx.tenantId, shared);
      const visible = includeFilter(ctx.access, db);
      return visible ? visible(found) : found;
    });

    const entry: BundleEntry[] = [
      ...resources.map((resource) => ({
        fullUrl: `${input.baseUrl}/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'match' as const },
      })),
      ...included.map((stored) => ({
        fullUrl: `${input.baseUrl}/${stored.resourceType}/${stored.id}`,
        resource: JSON.parse(stored.content!) as Resource,
        search: { mode: 'include' as const },
      })),
    ];
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: members.length,
      link: pagingLinks(input, params, offset, count, members.length),
      entry,
    };
    return { resource: bundle };
  },
};

function parseDate(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) && Number.isNaN(Date.parse(value))) {
    throw fhirErrors.invalid(`${name} must be a date such as 2024-01-31`, name);
  }
  return value;
}

function parseCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_COUNT;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw fhirErrors.invalid('_count must be a positive whole number', '_count');
  return Math.min(count, MAX_COUNT);
}

function parseOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  const offset = Number(value);
  if (!Number.isInteger(offset) || offset < 0) throw fhirErrors.invalid('_offset must be a whole number', '_offset');
  return offset;
}

function parseTypes(values: string[]): Set<string> | undefined {
  const types = values
    .flatMap((value) => value.split(','))
    .map((type) => type.trim())
    .filter(Boolean);
  if (!types.length) return undefined;
  for (const type of types) {
    if (!isResourceType(type)) throw fhirErrors.invalid(`Unknown resource type '${type}' in _type`, '_type');
  }
  return new Set(types);
}

/** References from the page's resources to resources that belong to no patient, each once. */
function sharedReferences(resources: Resource[], baseUrl: string, wanted: Set<string> | undefined): Ref[] {
  const found = new Map<string, Ref>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'reference' && typeof inner === 'string') {
        const ref = parseLocalReference(inner, baseUrl);
        if (ref && !isPatientSpecific(ref.resourceType) && (!wanted || wanted.has(ref.resourceType))) {
          found.set(`${ref.resourceType}/${ref.id}`, ref);
        }
      } else if (key !== 'contained') {
        visit(inner);
      }
    }
  };
  for (const resource of resources) visit(resource);
  return [...found.values()];
}

function parseLocalReference(reference: string, baseUrl: string): Ref | undefined {
  const local = reference.startsWith(`${baseUrl}/`) ? reference.slice(baseUrl.length + 1) : reference;
  const match = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(local);
  if (!match || !isResourceType(match[1]!)) return undefined;
  return { resourceType: match[1]!, id: match[2]! };
}

function pagingLinks(
  input: OperationInput,
  params: ReturnType<typeof readParams>,
  offset: number,
  count: number,
  total: number,
): BundleLink[] {
  const self = `${input.baseUrl}/Patient/${input.id}/$everything`;
  const query = (at: number) => {
    const search = new URLSearchParams();
    for (const name of ['start', 'end', '_since']) {
      const value = params.get(name);
      if (value) search.set(name, value);
    }
    const types = params.getAll('_type');
    if (types.length) search.set('_type', types.join(','));
    search.set('_count', String(count));
    if (at) search.set('_offset', String(at));
    return `${self}?${search.toString()}`;
  };
  const links: BundleLink[] = [{ relation: 'self', url: query(offset) }];
  links.push({ relation: 'first', url: query(0) });
  if (offset + count < total) links.push({ relation: 'next', url: query(offset + count) });
  if (offset > 0) links.push({ relation: 'previous', url: query(Math.max(0, offset - count)) });
  return links;
}
