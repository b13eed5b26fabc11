import { type FhirPathAtom, getParsedExpressionForResourceType, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { resourceTypes, searchParametersFor } from '../core/definitions';

/** The index table each search parameter type is stored in. */
export type IndexTable =
  | 'fhir_sp_string'
  | 'fhir_sp_token'
  | 'fhir_sp_reference'
  | 'fhir_sp_date'
  | 'fhir_sp_number'
  | 'fhir_sp_quantity'
  | 'fhir_sp_uri'
  | 'fhir_sp_composite';

export type ParamType = 'string' | 'token' | 'reference' | 'date' | 'number' | 'quantity' | 'uri' | 'composite';

export interface CompositePart {
  type: Exclude<ParamType, 'composite' | 'reference'>;
  expression: FhirPathAtom;
}

/** One search parameter of one resource type, ready to extract values and build queries. */
export interface ParamDefinition {
  code: string;
  type: ParamType;
  table: IndexTable;
  /** Null for `_id` and `_lastUpdated`, which are columns of fhir_resource and need no index rows. */
  expression: FhirPathAtom | null;
  /** Resource types a reference parameter may point to. */
  targets: string[];
  url?: string;
  components?: CompositePart[];
  /**
   * The top-level elements the expression starts from, when every branch starts with `Type.element`:
   * a resource without any of them has no values, and the expression need not run. Undefined: always run.
   */
  rootElements?: string[];
}

const TABLES: Record<ParamType, IndexTable> = {
  string: 'fhir_sp_string',
  token: 'fhir_sp_token',
  reference: 'fhir_sp_reference',
  date: 'fhir_sp_date',
  number: 'fhir_sp_number',
  quantity: 'fhir_sp_quantity',
  uri: 'fhir_sp_uri',
  composite: 'fhir_sp_composite',
};

/** Parameters served from fhir_resource's own columns rather than index rows. */
export const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);
/** Parameters in the definitions that this engine does not implement (they need more than an index). */
// `phonetic` would need a phonetic encoding of names; served as a plain string match it would promise too much.
const UNSUPPORTED = new Set(['_compartment', '_content', '_query', '_text', '_filter', '_list', 'phonetic']);

let byUrl: Map<string, SearchParameter> | undefined;
function definitionByUrl(url: string): SearchParameter | undefined {
  if (!byUrl) {
    byUrl = new Map();
    for (const type of resourceTypes()) {
      for (const param of Object.values(searchParametersFor(type))) if (param.url) byUrl.set(param.url, param);
    }
  }
  return byUrl.get(url);
}

function compositeParts(param: SearchParameter): CompositePart[] | undefined {
  const parts: CompositePart[] = [];
  for (const component of param.component ?? []) {
    const definition = definitionByUrl(component.definition ?? '');
    const partType = definition?.type as ParamType | undefined;
    if (!partType || partType === 'composite' || partType === 'reference' || !component.expression) return undefined;
    try {
      parts.push({ type: partType, expression: parseFhirPath(component.expression) });
    } catch {
      return undefined;
    }
  }
  return parts.length >= 2 ? parts : undefined;
}

function build(type: string, code: string, param: SearchParameter): ParamDefinition | undefined {
  const paramType = param.type as ParamType;
  if (!(paramType in TABLES) || UNSUPPORTED.has(code)) return undefined;
  if (COLUMN_PARAMS.has(code)) {
    return { code, type: paramType, table: TABLES[paramType], expression: null, targets: [], url: param.url };
  }
  if (!param.expression) return undefined;
  let expression: FhirPathAtom;
  try {
    expression = getParsedExpressionForResourceType(type, param.expression);
  } catch {
    return undefined;
  }
  const definition: ParamDefinition = {
    code,
    type: paramType,
    table: TABLES[paramType],
    expression,
    targets: (param.target ?? []) as string[],
    ...(param.url ? { url: param.url } : {}),
  };
  const roots = rootElementsOf(type, expression.toString());
  if (roots) definition.rootElements = roots;
  if (paramType === 'composite') {
    const components = compositeParts(param);
    if (!components) return undefined;
    definition.components = components;
  }
  return definition;
}

/** See ParamDefinition.rootElements; any branch that is not a plain `Type.element...` path gives up. */
function rootElementsOf(type: string, expression: string): string[] | undefined {
  const pattern = new RegExp(`^[\\s(]*${type}\\.([a-zA-Z]+)`);
  const roots = new Set<string>();
  for (const branch of expression.split('|')) {
    const match = pattern.exec(branch.trim());
    if (!match) return undefined;
    roots.add(match[1]!);
  }
  return [...roots];
}

const cache = new Map<string, Map<string, ParamDefinition>>();

/** Every search parameter this engine supports for a type, by code, parsed once per process. */
export function paramsFor(type: string): Map<string, ParamDefinition> {
  let found = cache.get(type);
  if (!found) {
    found = new Map();
    for (const [code, param] of Object.entries(searchParametersFor(type))) {
      const definition = build(type, code, param);
      if (definition) found.set(code, definition);
    }
    cache.set(type, found);
  }
  return found;
}

export function paramFor(type: string, code: string): ParamDefinition | undefined {
  return paramsFor(type).get(code);
}
