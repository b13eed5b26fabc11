import { randomUUID } from 'node:crypto';
import type { ValueSet, ValueSetExpansionContains, ValueSetExpansionParameter } from '@medplum/fhirtypes';
import { type FhirOperation, fhirErrors, readParams } from '../../../fhir';
import { MAX_EXPANSION_COUNT, type TerminologyReadOptions, type TerminologyService } from '../terminology.service';
import type { ValueSetDefinition } from '../terminology.value-sets';
import { notFound, readOptionsOf, readWholeNumber } from './operation-helpers';

const DEFAULT_COUNT = 100;

/**
 * A value set sent in the request (or stored) as Meridian can expand it: a known `url`, or a compose
 * with one include of one code system, all of it, listed concepts, or one `concept is-a X` filter.
 */
async function definitionOf(
  terminology: TerminologyService,
  valueSet: ValueSet,
  read: TerminologyReadOptions,
  where: string,
): Promise<ValueSetDefinition> {
  if (valueSet.url) {
    const known = await terminology.valueSet(valueSet.url, read);
    if (known) return known;
  }
  const includes = valueSet.compose?.include ?? [];
  if (includes.length !== 1 || valueSet.compose?.exclude?.length) {
    throw fhirErrors.notSupported(
      'Only value sets with one compose.include (and no exclude) can be expanded here',
      where,
    );
  }
  const include = includes[0]!;
  if (!include.system || include.valueSet?.length) {
    throw fhirErrors.notSupported('compose.include must name a system (value set imports are not supported)', where);
  }
  const filters = include.filter ?? [];
  if (filters.length > 1 || (filters[0] && !(filters[0].property === 'concept' && filters[0].op === 'is-a'))) {
    throw fhirErrors.notSupported("Only a single 'concept is-a <code>' filter is supported", where);
  }
  const system = (await terminology.system(include.system, read))?.url;
  if (!system)
    throw notFound(`Code system ${include.system} is not loaded on this server`, `${where}.compose.include.system`);
  return {
    url: valueSet.url ?? `urn:uuid:${randomUUID()}`,
    name: valueSet.name ?? 'ValueSet',
    title: valueSet.title ?? valueSet.name ?? 'Value set',
    system,
    constraint: {
      ...(include.concept ? { codes: include.concept.map((concept) => concept.code ?? '') } : {}),
      ...(filters[0]?.value ? { isA: filters[0].value } : {}),
    },
  };
}

/**
 * ValueSet/$expand (FHIR R4 ValueSet-expand): a page of a value set's codes. The value set is a `url`
 * (Meridian's value sets, or a code system's implicit `[system]?fhir_vs` / `?fhir_vs=isa/[code]`), a
 * `valueSet` in a POSTed Parameters, or a stored ValueSet (`ValueSet/[id]/$expand`). `filter` is what
 * someone is typing: codes starting with it, or displays with words starting with its words, best first.
 * `count` (default 100, at most 1000) and `offset` page through; `total` counts every match.
 */
export function expandOperation(terminology: TerminologyService): FhirOperation {
  return {
    name: 'expand',
    levels: ['type', 'instance'],
    resourceTypes: ['ValueSet'],
    methods: ['GET', 'POST'],
    definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-expand',
    affectsState: false,
    async handle(input) {
      const params = readParams(input);
      const read = readOptionsOf(input.ctx);
      const count = readWholeNumber(params, 'count', MAX_EXPANSION_COUNT) ?? DEFAULT_COUNT;
      const offset = readWholeNumber(params, 'offset') ?? 0;
      const filter = params.get('filter')?.trim();
      if (filter !== undefined && filter.length > 200)
        throw fhirErrors.invalid('filter is too long (200 at most)', 'filter');
      const activeOnly = params.get('activeOnly');
      if (activeOnly !== undefined && activeOnly !== 'true' && activeOnly !== 'false') {
        throw fhirErrors.invalid('activeOnly must be true or false', 'activeOnly');
      }

      let definition: ValueSetDefinition;
      if (input.level === 'instance') {
        const stored = (await input.services.repository.read(input.ctx, 'ValueSet', input.id!)) as ValueSet;
        definition = await definitionOf(terminology, stored, read, 'ValueSet');
      } else {
        const given = params.part('valueSet')?.resource as ValueSet | undefined;
        const url = params.get('url');
        if (given) {
          if (given.resourceType !== 'ValueSet') throw fhirErrors.invalid('valueSet must be a ValueSet', 'valueSet');
          definition = await definitionOf(terminology, given, read, 'valueSet');
        } else if (url) {
          const known = await terminology.valueSet(url, read);
          if (!known) throw notFound(`Value set ${url} is not known to this server`, 'url');
          definition = known;
        } else {
          throw fhirErrors.invalid('$expand needs the value set: url, or a valueSet parameter', 'url');
        }
      }
      if (activeOnly === 'true')
        definition = { ...definition, constraint: { ...definition.constraint, activeOnly: true } };

      const expansion = await terminology.expand(definition, {
        ...read,
        ...(filter ? { filter } : {}),
        count,
        offset,
      });
      const parameter: ValueSetExpansionParameter[] = [
        ...(filter ? [{ name: 'filter', valueString: filter }] : []),
        { name: 'count', valueInteger: count },
        { name: 'offset', valueInteger: offset },
        ...(expansion.version ? [{ name: 'version', valueUri: `${definition.system}|${expansion.version}` }] : []),
      ];
      const contains: ValueSetExpansionContains[] = expansion.contains.map((concept) => ({
        system: concept.system,
        ...(concept.version ? { version: concept.version } : {}),
        code: concept.code,
        display: concept.display,
        ...(concept.abstract ? { abstract: true } : {}),
        ...(concept.inactive ? { inactive: true } : {}),
      }));
      const valueSet: ValueSet = {
        resourceType: 'ValueSet',
        ...(input.level === 'instance' ? { id: input.id } : {}),
        url: definition.url,
        name: definition.name,
        title: definition.title,
        status: 'active',
        expansion: {
          identifier: `urn:uuid:${randomUUID()}`,
          timestamp: new Date().toISOString(),
          total: expansion.total,
          offset,
          parameter,
          ...(contains.length ? { contains } : {}),
        },
      };
      return { resource: valueSet };
    },
  };
}
