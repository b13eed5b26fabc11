import type { Coding, Meta, Parameters, Resource } from '@medplum/fhirtypes';
import { fhirErrors } from '../core/outcome';
import type { FhirContext } from '../core/repository';
import type { FhirServices } from '../fhir-services';
import { readParams } from './operation-params';
import type { FhirOperation, OperationInput } from './operation-registry';

/**
 * $meta, $meta-add and $meta-delete: the tags, profiles and security labels of resources. Per the spec,
 * adding or removing them does not make a new version: meta says nothing about the record's content, and
 * security labels must be able to change on what already exists. The repository rewrites the current
 * version in place and keeps the search index in step.
 */

interface MetaSets {
  tag: Coding[];
  security: Coding[];
  profile: string[];
}

const codingKey = (coding: Coding) => `${coding.system ?? ''}|${coding.code ?? ''}`;

function metaParameters(meta: Meta): Parameters {
  const value: Meta = {};
  if (meta.profile?.length) value.profile = meta.profile;
  if (meta.security?.length) value.security = meta.security;
  if (meta.tag?.length) value.tag = meta.tag;
  return { resourceType: 'Parameters', parameter: [{ name: 'return', valueMeta: value }] };
}

function inputMeta(input: OperationInput): Meta {
  if (input.method !== 'POST') throw fhirErrors.methodNotAllowed('This operation changes meta: use POST');
  const params = readParams(input);
  if (!params.fromParameters) throw fhirErrors.invalid('Send a Parameters resource with a meta parameter');
  const meta = params.part('meta')?.valueMeta;
  if (!meta || typeof meta !== 'object') {
    throw fhirErrors.invalid('The meta parameter (valueMeta) is required', 'Parameters.parameter.meta');
  }
  for (const key of ['tag', 'security'] as const) {
    const list = meta[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((coding) => !coding || typeof coding !== 'object')) {
      throw fhirErrors.invalid(`meta.${key} must be a list of Codings`, `Parameters.parameter.meta.${key}`);
    }
  }
  if (meta.profile !== undefined && (!Array.isArray(meta.profile) || meta.profile.some((p) => typeof p !== 'string'))) {
    throw fhirErrors.invalid('meta.profile must be a list of canonical URLs', 'Parameters.parameter.meta.profile');
  }
  return meta;
}

export const metaOperation: FhirOperation = {
  name: 'meta',
  levels: ['system', 'type', 'instance'],
  methods: ['GET', 'POST'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-meta',
  affectsState: false,
  async handle(input) {
    if (input.level === 'instance') {
      const resource = await input.services.repository.read(input.ctx, input.resourceType!, input.id!);
      return { resource: metaParameters(resource.meta ?? {}) };
    }
    const sets = await metaInUse(input.services, input.ctx, input.resourceType);
    return { resource: metaParameters(sets) };
  },
};

/**
 * Every distinct tag, security label and profile on current resources (of one type, or all). Read from
 * the stored JSON, so it holds whatever the search index covers.
 */
async function metaInUse(services: FhirServices, ctx: FhirContext, resourceType?: string): Promise<MetaSets> {
  const params: unknown[] = [ctx.tenantId];
  let typeClause = '';
  if (resourceType) {
    params.push(resourceType);
    typeClause = 'AND resource_type = $2';
  }
  const rows = await services.repository.reading(ctx, (db) =>
    db.query<{ kind: string; value: string }>(
      `WITH meta AS (
         SELECT (content::jsonb) -> 'meta' AS meta FROM fhir_resource
         WHERE tenant_id = $1 ${typeClause} AND NOT deleted
       )
       SELECT DISTINCT 'tag' AS kind, jsonb_array_elements(meta -> 'tag')::text AS value
         FROM meta WHERE jsonb_typeof(meta -> 'tag') = 'array'
       UNION SELECT DISTINCT 'security', jsonb_array_elements(meta -> 'security')::text
         FROM meta WHERE jsonb_typeof(meta -> 'security') = 'array'
       UNION SELECT DISTINCT 'profile', jsonb_array_elements(meta -> 'profile')::text
         FROM meta WHERE jsonb_typeof(meta -> 'profile') = 'array'`,
      params,
    ),
  );
  const sets: MetaSets = { tag: [], security: [], profile: [] };
  const seen = new Set<string>();
  for (const row of rows.rows) {
    const value = JSON.parse(row.value) as Coding | string;
    if (row.kind === 'profile') {
      if (typeof value === 'string' && !seen.has(`profile ${value}`)) {
        seen.add(`profile ${value}`);
        sets.profile.push(value);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const key = `${row.kind} ${codingKey(value)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (row.kind === 'tag' ? sets.tag : sets.security).push(value);
  }
  const byKey = (a: Coding, b: Coding) => codingKey(a).localeCompare(codingKey(b));
  sets.tag.sort(byKey);
  sets.security.sort(byKey);
  sets.profile.sort();
  return sets;
}

function mergeCodings(existing: Coding[] | undefined, added: Coding[] | undefined): Coding[] {
  const result = [...(existing ?? [])];
  const keys = new Set(result.map(codingKey));
  for (const coding of added ?? []) {
    // Identity is system + code; version and display of an existing entry are left as they are.
    if (keys.has(codingKey(coding))) continue;
    keys.add(codingKey(coding));
    result.push(coding);
  }
  return result;
}

function removeCodings(existing: Coding[] | undefined, removed: Coding[] | undefined): Coding[] {
  const gone = new Set((removed ?? []).map(codingKey));
  return (existing ?? []).filter((coding) => !gone.has(codingKey(coding)));
}

export const metaAddOperation: FhirOperation = {
  name: 'meta-add',
  levels: ['instance'],
  methods: ['POST'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-meta-add',
  affectsState: true,
  async handle(input) {
    const added = inputMeta(input);
    const resource: Resource = await input.services.repository.changeMeta(
      input.ctx,
      input.resourceType!,
      input.id!,
      (meta) => ({
        ...meta,
        tag: mergeCodings(meta.tag, added.tag),
        security: mergeCodings(meta.security, added.security),
        profile: [...new Set([...(meta.profile ?? []), ...(added.profile ?? [])])],
      }),
    );
    return { resource: metaParameters(resource.meta ?? {}) };
  },
};

export const metaDeleteOperation: FhirOperation = {
  name: 'meta-delete',
  levels: ['instance'],
  methods: ['POST'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-meta-delete',
  affectsState: true,
  async handle(input) {
    const removed = inputMeta(input);
    const resource: Resource = await input.services.repository.changeMeta(
      input.ctx,
      input.resourceType!,
      input.id!,
      (meta) => ({
        ...meta,
        tag: removeCodings(meta.tag, removed.tag),
        security: removeCodings(meta.security, removed.security),
        profile: (meta.profile ?? []).filter((profile) => !(removed.profile ?? []).includes(profile)),
      }),
    );
    return { resource: metaParameters(resource.meta ?? {}) };
  },
};
