import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { type FhirOperation, fhirErrors, readParams } from '../../../fhir';
import type { TerminologyService } from '../terminology.service';
import { resolveSystem } from '../terminology.systems';
import { codeAndSystem, notFound, readOptionsOf, stringParameter } from './operation-helpers';

/**
 * CodeSystem/$lookup (FHIR R4 CodeSystem-lookup): a code's display and properties in a loaded code
 * system. `displayLanguage`, `date` and `property` are accepted and ignored (one language, every property).
 */
export function lookupOperation(terminology: TerminologyService): FhirOperation {
  return {
    name: 'lookup',
    levels: ['type'],
    resourceTypes: ['CodeSystem'],
    methods: ['GET', 'POST'],
    definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup',
    affectsState: false,
    async handle(input) {
      const params = readParams(input);
      const { system, code } = codeAndSystem(params);
      if (!code) throw fhirErrors.invalid('$lookup needs a code (code, or coding.code)', 'code');
      if (!system) throw fhirErrors.invalid('$lookup needs the code system (system, or coding.system)', 'system');
      const url = resolveSystem(system);
      const version = params.get('version');
      const info = await terminology.system(url, readOptionsOf(input.ctx));
      if (!info && url !== 'http://unitsofmeasure.org') {
        throw notFound(`Code system ${url} is not loaded on this server`, 'system');
      }
      if (version && info && info.version !== version) {
        throw notFound(`Version ${version} of ${url} is not loaded (loaded: ${info.version})`, 'version');
      }
      const found = await terminology.lookup(url, code, readOptionsOf(input.ctx));
      if (!found) throw notFound(`Unknown code '${code}' in ${info?.name ?? url}`, 'code');
      const property = (code: string, value: Omit<ParametersParameter, 'name'>): ParametersParameter => ({
        name: 'property',
        part: [
          { name: 'code', valueCode: code },
          { name: 'value', ...value },
        ],
      });
      const properties: ParametersParameter[] = [
        ...(found.parent ? [property('parent', { valueCode: found.parent })] : []),
        ...found.children.map((child) => property('child', { valueCode: child })),
        property('notSelectable', { valueBoolean: found.abstract }),
        property('inactive', { valueBoolean: found.inactive }),
        ...(typeof found.properties.status === 'string'
          ? [property('status', { valueString: found.properties.status })]
          : []),
        ...(typeof found.properties.definition === 'string'
          ? [property('definition', { valueString: found.properties.definition })]
          : []),
      ];
      const answer: Parameters = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'name', valueString: found.name },
          ...stringParameter('version', found.version),
          { name: 'display', valueString: found.display },
          ...properties,
        ],
      };
      return { resource: answer };
    },
  };
}
