import { tryGetDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { fhirErrors } from '../core/outcome';
import type { SummaryMode } from './search-query';

/** The tag a server puts on a resource it returns with elements left out. */
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/** Whether a JSON key is the element `name` (choice elements such as deceased[x] appear as deceasedBoolean). */
function isElement(key: string, name: string): boolean {
  const bare = key.startsWith('_') ? key.slice(1) : key;
  return bare === name || (bare.startsWith(name) && /^[A-Z]/.test(bare.slice(name.length)));
}

function keep(resource: Resource, wanted: (key: string) => boolean): Resource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'resourceType' || key === 'id' || key === 'meta' || wanted(key)) out[key] = value;
  }
  const meta = resource.meta ?? {};
  const tags = (meta.tag ?? []).filter((tag) => tag.code !== SUBSETTED.code);
  out.meta = { ...meta, tag: [...tags, SUBSETTED] };
  return out as unknown as Resource;
}

function mandatory(type: string): string[] {
  return [...(tryGetDataType(type)?.mandatoryProperties ?? [])];
}

/** A resource as `_summary` asks for it, using the summary flags of the type's StructureDefinition. */
export function summarise(resource: Resource, mode: SummaryMode): Resource {
  switch (mode) {
    case 'true': {
      const names = [...(tryGetDataType(resource.resourceType)?.summaryProperties ?? [])];
      return keep(resource, (key) => names.some((name) => isElement(key, name)));
    }
    case 'text': {
      const names = ['text', ...mandatory(resource.resourceType)];
      return keep(resource, (key) => names.some((name) => isElement(key, name)));
    }
    case 'data': {
      const names = Object.keys(resource).filter((key) => key !== 'text');
      return keep(resource, (key) => names.includes(key));
    }
    default:
      return resource;
  }
}

/** A resource with only the `_elements` asked for (and the mandatory ones, so it stays valid). */
export function selectElements(resource: Resource, elements: string[]): Resource {
  const names = [
    ...elements.map((element) => element.replace(/^[A-Z][A-Za-z]+\./, '')),
    ...mandatory(resource.resourceType),
  ];
  return keep(resource, (key) => names.some((name) => isElement(key, name)));
}

/** Applies `_summary` and `_elements` (summary wins when both are given, as the spec leaves it open). */
export function shapeResource(resource: Resource, summary?: SummaryMode, elements?: string[]): Resource {
  if (summary && summary !== 'false' && summary !== 'count') return summarise(resource, summary);
  if (elements?.length) return selectElements(resource, elements);
  return resource;
}

const READ_SUMMARY_MODES = ['true', 'text', 'data', 'false'];

/**
 * A stored resource as a read with `_summary` or `_elements` asks for it; the stored JSON text itself
 * (not parsed again) when neither is given.
 */
export function shapeStored(content: string, params: [string, string][]): string | Resource {
  const summary = params.find(([name]) => name === '_summary')?.[1];
  const elements = params.find(([name]) => name === '_elements')?.[1];
  if (summary === undefined && elements === undefined) return content;
  if (summary !== undefined && !READ_SUMMARY_MODES.includes(summary)) {
    throw fhirErrors.invalid('_summary on a read takes true, text, data or false', '_summary');
  }
  const wanted = elements
    ?.split(',')
    .map((element) => element.trim())
    .filter(Boolean);
  return shapeResource(JSON.parse(content) as Resource, summary as SummaryMode | undefined, wanted);
}
