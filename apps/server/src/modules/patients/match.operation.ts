import type { Bundle, Patient } from '@medplum/fhirtypes';
import { type FhirOperation, fhirErrors, readParams } from '../../fhir';
import type { PatientService } from './patients.service';

const MATCH_GRADE = 'http://hl7.org/fhir/StructureDefinition/match-grade';
const MAX_COUNT = 100;

/**
 * Patient/$match (FHIR R4 Patient-match): the candidates for the Parameters' `resource`, scored 0..1 with
 * the match-grade extension, best first. `onlyCertainMatches` keeps only certain ones; `count` limits.
 */
export function matchOperation(patients: PatientService): FhirOperation {
  return {
    name: 'match',
    levels: ['type'],
    resourceTypes: ['Patient'],
    methods: ['POST'],
    definition: 'http://hl7.org/fhir/OperationDefinition/Patient-match',
    affectsState: false,
    async handle(input) {
      const params = readParams(input);
      if (!params.fromParameters) throw fhirErrors.invalid('$match takes a Parameters body', 'Parameters');
      const resource = params.part('resource')?.resource as Patient | undefined;
      if (resource?.resourceType !== 'Patient') {
        throw fhirErrors.invalid('Parameter resource must be a Patient', 'Parameters.parameter[resource]');
      }
      input.services.repository.validate(resource, 'Patient');
      const onlyCertain = readBoolean(params.get('onlyCertainMatches'));
      const count = readCount(params.get('count'));
      const settings = await patients.settings(input.ctx.tenantId);
      const found = await patients.candidates(input.ctx, resource, {
        minScore: onlyCertain ? settings.matching.certain : settings.matching.possible,
        count,
        ...(resource.id ? { excludeId: resource.id } : {}),
      });
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'searchset',
        total: found.length,
        entry: found.map((candidate) => ({
          fullUrl: `${input.baseUrl}/Patient/${candidate.patient.id}`,
          resource: candidate.patient,
          search: {
            mode: 'match',
            score: candidate.score,
            extension: [{ url: MATCH_GRADE, valueCode: candidate.grade }],
          },
        })),
      };
      return { resource: bundle };
    },
  };
}

function readBoolean(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw fhirErrors.invalid('onlyCertainMatches must be true or false', 'Parameters.parameter[onlyCertainMatches]');
}

function readCount(value: string | undefined): number {
  if (value === undefined) return 10;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw fhirErrors.invalid('count must be a positive integer', 'Parameters.parameter[count]');
  }
  return Math.min(count, MAX_COUNT);
}
