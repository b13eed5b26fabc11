import type { AllergyIntolerance, Condition, Immunization, Observation, Procedure } from '@medplum/fhirtypes';
import { codeOf, noKnownScopeOf, SYSTEMS } from './clinical-lists.codes';

/**
 * The lifecycle rules of the clinical lists, as pure functions of the version before and after a write.
 * The write guards apply them to every FHIR write (REST, Bundles, imports); the task API applies them
 * first, so its callers get a problem naming the field instead of an OperationOutcome.
 */
export interface Violation {
  /** The FHIR element, for an OperationOutcome's expression. */
  expression: string;
  /** The task API's field. */
  path: string;
  message: string;
  transition?: { what: string; from: string; to: string; allowed: readonly string[] };
}

const ENTERED_IN_ERROR = 'entered-in-error';

function transition(
  what: string,
  expression: string,
  path: string,
  table: Record<string, readonly string[]>,
  from: string | undefined,
  to: string | undefined,
): Violation | undefined {
  if (!from || !to || from === to) return undefined;
  const allowed = table[from];
  // Statuses the table does not know (a FHIR code Meridian does not steer) are left free.
  if (!allowed || allowed.includes(to)) return undefined;
  return {
    expression,
    path,
    message: allowed.length
      ? `A ${what} that is ${from} cannot become ${to}; allowed: ${allowed.join(', ')}`
      : `A ${what} that is ${from} cannot change status any more`,
    transition: { what, from, to, allowed },
  };
}

// ---- Problems (Condition, category problem-list-item) ----

export const PROBLEM_CLINICAL_STATUSES = [
  'active',
  'recurrence',
  'relapse',
  'inactive',
  'remission',
  'resolved',
] as const;
export type ProblemClinicalStatus = (typeof PROBLEM_CLINICAL_STATUSES)[number];
export const PROBLEM_VERIFICATION_STATUSES = [
  'unconfirmed',
  'provisional',
  'differential',
  'confirmed',
  'refuted',
  'entered-in-error',
] as const;

/**
 * Where a problem's clinical status may go. A problem that went away and came back is a recurrence
 * (from resolved or inactive), one that came back out of remission a relapse; it does not simply turn
 * active again, so the record keeps that it had gone.
 */
export const PROBLEM_TRANSITIONS: Record<ProblemClinicalStatus, readonly ProblemClinicalStatus[]> = {
  active: ['inactive', 'remission', 'resolved'],
  recurrence: ['inactive', 'remission', 'resolved'],
  relapse: ['inactive', 'remission', 'resolved'],
  inactive: ['recurrence', 'remission', 'resolved'],
  remission: ['relapse', 'inactive', 'resolved'],
  resolved: ['recurrence'],
};

export function isProblemListItem(condition: Condition | undefined): boolean {
  return Boolean(
    condition?.category?.some((category) =>
      category.coding?.some((c) => c.system === SYSTEMS.conditionCategory && c.code === 'problem-list-item'),
    ),
  );
}

export const problemClinicalStatus = (condition: Condition | undefined) =>
  codeOf(condition?.clinicalStatus, SYSTEMS.conditionClinical);
export const problemVerificationStatus = (condition: Condition | undefined) =>
  codeOf(condition?.verificationStatus, SYSTEMS.conditionVerification);

function hasAbatement(condition: Condition): boolean {
  return Boolean(
    condition.abatementDateTime ??
      condition.abatementAge ??
      condition.abatementPeriod ??
      condition.abatementRange ??
      condition.abatementString,
  );
}

export function problemViolation(before: Condition | undefined, after: Condition): Violation | undefined {
  const verification = problemVerificationStatus(after);
  if (before && problemVerificationStatus(before) === ENTERED_IN_ERROR && verification !== ENTERED_IN_ERROR) {
    return {
      expression: 'Condition.verificationStatus',
      path: 'verificationStatus',
      message: 'A problem entered in error stays so; record it again instead',
    };
  }
  if (verification === ENTERED_IN_ERROR) return undefined;
  const status = problemClinicalStatus(after);
  // Records already resolved without a date (kept from before this rule) may still be moved, e.g. by a merge.
  const undatedBefore = before && problemClinicalStatus(before) === 'resolved' && !hasAbatement(before);
  if (status === 'resolved' && !hasAbatement(after) && !undatedBefore) {
    return {
      expression: 'Condition.abatement',
      path: 'abatement',
      message: 'A resolved problem needs the date it resolved (abatement)',
    };
  }
  return transition(
    'problem',
    'Condition.clinicalStatus',
    'clinicalStatus',
    PROBLEM_TRANSITIONS,
    problemClinicalStatus(before),
    status,
  );
}

// ---- Allergies and intolerances ----

export const ALLERGY_CLINICAL_STATUSES = ['active', 'inactive', 'resolved'] as const;
export const ALLERGY_VERIFICATION_STATUSES = ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'] as const;
export const allergyClinicalStatus = (allergy: AllergyIntolerance | undefined) =>
  codeOf(allergy?.clinicalStatus, SYSTEMS.allergyClinical);
export const allergyVerificationStatus = (allergy: AllergyIntolerance | undefined) =>
  codeOf(allergy?.verificationStatus, SYSTEMS.allergyVerification);

export function allergyViolation(
  before: AllergyIntolerance | undefined,
  after: AllergyIntolerance,
): Violation | undefined {
  if (
    before &&
    allergyVerificationStatus(before) === ENTERED_IN_ERROR &&
    allergyVerificationStatus(after) !== ENTERED_IN_ERROR
  ) {
    return {
      expression: 'AllergyIntolerance.verificationStatus',
      path: 'verificationStatus',
      message: 'An allergy entered in error stays so; record it again instead',
    };
  }
  if (noKnownScopeOf(after.code) && after.reaction?.length) {
    return {
      expression: 'AllergyIntolerance.reaction',
      path: 'reactions',
      message: '"No known allergy" cannot carry reactions',
    };
  }
  return undefined;
}

// ---- Immunizations ----

export const IMMUNIZATION_TRANSITIONS: Record<string, readonly string[]> = {
  completed: [ENTERED_IN_ERROR],
  'not-done': [ENTERED_IN_ERROR],
  [ENTERED_IN_ERROR]: [],
};

export function immunizationViolation(before: Immunization | undefined, after: Immunization): Violation | undefined {
  if (after.status === 'not-done' && !after.statusReason) {
    return {
      expression: 'Immunization.statusReason',
      path: 'statusReason',
      message: 'An immunization not given needs the reason (statusReason)',
    };
  }
  return transition(
    'immunization',
    'Immunization.status',
    'status',
    IMMUNIZATION_TRANSITIONS,
    before?.status,
    after.status,
  );
}

// ---- Procedures ----

export const PROCEDURE_STATUSES = [
  'preparation',
  'in-progress',
  'not-done',
  'on-hold',
  'stopped',
  'completed',
  'entered-in-error',
  'unknown',
] as const;
export type ProcedureStatus = (typeof PROCEDURE_STATUSES)[number];

export const PROCEDURE_TRANSITIONS: Record<string, readonly string[]> = {
  preparation: ['in-progress', 'not-done', 'completed', ENTERED_IN_ERROR],
  'in-progress': ['on-hold', 'stopped', 'completed', ENTERED_IN_ERROR],
  'on-hold': ['in-progress', 'stopped', ENTERED_IN_ERROR],
  stopped: [ENTERED_IN_ERROR],
  completed: [ENTERED_IN_ERROR],
  'not-done': [ENTERED_IN_ERROR],
  [ENTERED_IN_ERROR]: [],
};

export function procedureViolation(before: Procedure | undefined, after: Procedure): Violation | undefined {
  return transition('procedure', 'Procedure.status', 'status', PROCEDURE_TRANSITIONS, before?.status, after.status);
}

// ---- Body-system assessments (Observation) ----

/** Panel codes: physical findings (LOINC 29545-1) and review of systems (LOINC 10187-3). */
export const ASSESSMENT_PANELS = {
  'physical-exam': { code: '29545-1', display: 'Physical findings Narrative', category: 'exam' },
  'review-of-systems': { code: '10187-3', display: 'Review of systems Narrative - Reported', category: 'survey' },
} as const;
export type AssessmentKind = keyof typeof ASSESSMENT_PANELS;

export function isAssessmentObservation(observation: Observation | undefined): boolean {
  return Boolean(
    observation?.code?.coding?.some(
      (c) =>
        c.system === SYSTEMS.bodySystem ||
        (c.system === SYSTEMS.loinc && Object.values(ASSESSMENT_PANELS).some((panel) => panel.code === c.code)),
    ),
  );
}

export const ASSESSMENT_TRANSITIONS: Record<string, readonly string[]> = {
  registered: ['preliminary', 'final', ENTERED_IN_ERROR, 'cancelled'],
  preliminary: ['final', ENTERED_IN_ERROR, 'cancelled'],
  final: ['amended', 'corrected', ENTERED_IN_ERROR],
  amended: ['amended', 'corrected', ENTERED_IN_ERROR],
  corrected: ['amended', 'corrected', ENTERED_IN_ERROR],
  cancelled: [ENTERED_IN_ERROR],
  [ENTERED_IN_ERROR]: [],
};

export function assessmentViolation(before: Observation | undefined, after: Observation): Violation | undefined {
  return transition('assessment', 'Observation.status', 'status', ASSESSMENT_TRANSITIONS, before?.status, after.status);
}
