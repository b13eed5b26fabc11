import type { AllergyIntolerance, Condition, Immunization, Observation, Procedure } from '@medplum/fhirtypes';
import { FhirError, type FhirRepository, type WriteGuard } from '../../fhir';
import {
  allergyViolation,
  assessmentViolation,
  immunizationViolation,
  isAssessmentObservation,
  isProblemListItem,
  problemViolation,
  procedureViolation,
  type Violation,
} from './clinical-lists.rules';

function refuse(violation: Violation | undefined): void {
  if (!violation) return;
  throw new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: violation.message, expression: [violation.expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

/** Problem-list Conditions (not encounter diagnoses, which imports bring in every state). */
const problemGuard: WriteGuard = ({ before, after }) => {
  if (!after) return;
  const next = after as Condition;
  if (!isProblemListItem(next) && !isProblemListItem(before as Condition | undefined)) return;
  refuse(problemViolation(before as Condition | undefined, next));
};

const allergyGuard: WriteGuard = ({ before, after }) => {
  if (after) refuse(allergyViolation(before as AllergyIntolerance | undefined, after as AllergyIntolerance));
};

const immunizationGuard: WriteGuard = ({ before, after }) => {
  if (after) refuse(immunizationViolation(before as Immunization | undefined, after as Immunization));
};

const procedureGuard: WriteGuard = ({ before, after }) => {
  if (after) refuse(procedureViolation(before as Procedure | undefined, after as Procedure));
};

/** Only the examination and review-of-systems Observations this module writes (by their codes). */
const assessmentGuard: WriteGuard = ({ before, after }) => {
  if (!after || !before) return;
  if (!isAssessmentObservation(after as Observation) && !isAssessmentObservation(before as Observation)) return;
  refuse(assessmentViolation(before as Observation, after as Observation));
};

/** The lists' lifecycle rules on every FHIR write path, so REST, Bundles and imports obey them too. */
export function addClinicalListGuards(repository: FhirRepository): void {
  repository.addWriteGuard('Condition', problemGuard);
  repository.addWriteGuard('AllergyIntolerance', allergyGuard);
  repository.addWriteGuard('Immunization', immunizationGuard);
  repository.addWriteGuard('Procedure', procedureGuard);
  repository.addWriteGuard('Observation', assessmentGuard);
}
