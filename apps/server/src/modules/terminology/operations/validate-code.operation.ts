import type { CodeableConcept, Parameters } from '@medplum/fhirtypes';
import { type FhirOperation, fhirErrors, readParams } from '../../../fhir';
import type { OperationInput } from '../../../fhir/operations/operation-registry';
import type { TerminologyService, ValidateCodeResult } from '../terminology.service';
import { codeAndSystem, notFound, readOptionsOf, stringParameter } from './operation-helpers';

function answer(result: ValidateCodeResult): { resource: Parameters } {
  return {
    resource: {
      resourceType: 'Parameters',
      parameter: [
        { name: 'result', valueBoolean: result.result },
        ...stringParameter('message', result.message),
        ...stringParameter('display', result.display),
      ],
    },
  };
}

/** The codings to check: one (code/system/display or coding), or each coding of a codeableConcept. */
function codingsOf(input: OperationInput, systemParameter: string) {
  const params = readParams(input);
  const concept = params.part('codeableConcept')?.valueCodeableConcept as CodeableConcept | undefined;
  if (concept !== undefined) {
    if (typeof concept !== 'object' || concept === null || !Array.isArray(concept.coding) || !concept.coding.length) {
      throw fhirErrors.invalid('codeableConcept must have at least one coding', 'codeableConcept');
    }
    return {
      params,
      codings: concept.coding.map((coding) => ({
        code: coding.code,
        system: coding.system,
        display: coding.display,
      })),
    };
  }
  const single = codeAndSystem(params, systemParameter);
  if (!single.code) throw fhirErrors.invalid('$validate-code needs a code (code, coding or codeableConcept)', 'code');
  return { params, codings: [single] };
}

/**
 * CodeSystem/$validate-code and ValueSet/$validate-code (FHIR R4): is the code in the code system (or
 * value set), and is the display the code's? Answers `result`, `message` and `display`; a code that is not
 * there is a `false` result, not an error. Only an unusable request or an unknown value set is an error.
 * With a codeableConcept, the result is true when any of its codings is valid.
 */
export function validateCodeOperation(terminology: TerminologyService): FhirOperation {
  return {
    name: 'validate-code',
    levels: ['type'],
    resourceTypes: ['CodeSystem', 'ValueSet'],
    methods: ['GET', 'POST'],
    definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code',
    affectsState: false,
    async handle(input) {
      const read = readOptionsOf(input.ctx);
      if (input.resourceType === 'CodeSystem') {
        // The code system is `url` here (`system` is accepted too).
        const { params, codings } = codingsOf(input, 'url');
        const version = params.get('version');
        const results: ValidateCodeResult[] = [];
        for (const coding of codings) {
          const system = coding.system ?? params.get('system');
          if (!system) throw fhirErrors.invalid('CodeSystem/$validate-code needs the code system (url)', 'url');
          results.push(
            await terminology.validateCode(system, coding.code ?? '', {
              ...read,
              ...(coding.display !== undefined ? { display: coding.display } : {}),
              ...(version ? { version } : {}),
            }),
          );
        }
        return answer(results.find((result) => result.result) ?? results[0]!);
      }
      const { params, codings } = codingsOf(input, 'system');
      const url = params.get('url');
      if (!url) throw fhirErrors.invalid('ValueSet/$validate-code needs the value set (url)', 'url');
      const valueSet = await terminology.valueSet(url, read);
      if (!valueSet) throw notFound(`Value set ${url} is not known to this server`, 'url');
      const results: ValidateCodeResult[] = [];
      for (const coding of codings) {
        results.push(
          await terminology.validateInValueSet(valueSet, coding.system, coding.code ?? '', {
            ...read,
            ...(coding.display !== undefined ? { display: coding.display } : {}),
          }),
        );
      }
      return answer(results.find((result) => result.result) ?? results[0]!);
    },
  };
}
