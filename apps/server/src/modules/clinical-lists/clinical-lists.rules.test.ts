import type { Condition, Immunization, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bodySiteConcept, lateralityOf, noKnownScopeOf } from './clinical-lists.codes';
import {
  assessmentViolation,
  immunizationViolation,
  PROBLEM_TRANSITIONS,
  problemViolation,
  procedureViolation,
} from './clinical-lists.rules';
import { normaliseCode } from './clinical-lists.terminology';

const problem = (status: string | undefined, extra: Partial<Condition> = {}): Condition => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p' },
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] },
  ],
  ...(status
    ? {
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: status }],
        },
      }
    : {}),
  ...extra,
});

describe('problem lifecycle', () => {
  it('allows a recurrence only of a problem that had gone (resolved or inactive)', () => {
    for (const [from, allowed] of Object.entries(PROBLEM_TRANSITIONS)) {
      const recurrence = problemViolation(problem(from), problem('recurrence'));
      // Staying a recurrence is no change at all.
      expect(recurrence === undefined, from).toBe(from === 'recurrence' || allowed.includes('recurrence'));
    }
    expect(problemViolation(problem('resolved', { abatementDateTime: '2020' }), problem('recurrence'))).toBeUndefined();
    expect(problemViolation(problem('active'), problem('recurrence'))?.transition).toEqual({
      what: 'problem',
      from: 'active',
      to: 'recurrence',
      allowed: ['inactive', 'remission', 'resolved'],
    });
  });

  it('needs the abatement of a resolved problem, except one kept undated from before the rule', () => {
    expect(problemViolation(undefined, problem('resolved'))?.expression).toBe('Condition.abatement');
    expect(problemViolation(problem('active'), problem('resolved'))?.path).toBe('abatement');
    expect(problemViolation(undefined, problem('resolved', { abatementString: 'childhood' }))).toBeUndefined();
    expect(problemViolation(problem('resolved'), problem('resolved', { note: [{ text: 'moved' }] }))).toBeUndefined();
  });

  it('keeps a problem entered in error so', () => {
    const error = problem(undefined, {
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }],
      },
    });
    expect(problemViolation(problem('active'), error)).toBeUndefined();
    expect(problemViolation(error, problem('active'))?.path).toBe('verificationStatus');
    expect(problemViolation(error, { ...error, subject: { reference: 'Patient/q' } })).toBeUndefined();
  });
});

describe('other lifecycles', () => {
  const immunization = (status: Immunization['status'], extra: Partial<Immunization> = {}): Immunization => ({
    resourceType: 'Immunization',
    status,
    vaccineCode: { text: 'x' },
    patient: { reference: 'Patient/p' },
    occurrenceDateTime: '2025',
    ...extra,
  });

  it('an immunization not given needs its reason, and given or not it only becomes entered in error', () => {
    expect(immunizationViolation(undefined, immunization('not-done'))?.path).toBe('statusReason');
    expect(
      immunizationViolation(immunization('completed'), immunization('not-done', { statusReason: { text: 'x' } }))?.path,
    ).toBe('status');
    expect(immunizationViolation(immunization('completed'), immunization('entered-in-error'))).toBeUndefined();
  });

  it('a procedure goes forward only; an assessment never goes back to preliminary', () => {
    const procedure = (status: string) =>
      ({ resourceType: 'Procedure', status, subject: { reference: 'Patient/p' } }) as never;
    expect(procedureViolation(procedure('preparation'), procedure('in-progress'))).toBeUndefined();
    expect(procedureViolation(procedure('completed'), procedure('in-progress'))?.transition?.allowed).toEqual([
      'entered-in-error',
    ]);
    const observation = (status: Observation['status']): Observation => ({
      resourceType: 'Observation',
      status,
      code: { text: 'x' },
    });
    expect(assessmentViolation(observation('final'), observation('preliminary'))).toBeDefined();
    expect(assessmentViolation(observation('final'), observation('amended'))).toBeUndefined();
  });
});

describe('codes', () => {
  it('writes ICD-10-CM codes with their dot, upper case', () => {
    expect(normaliseCode('http://hl7.org/fhir/sid/icd-10-cm', 'e119')).toBe('E11.9');
    expect(normaliseCode('http://hl7.org/fhir/sid/icd-10-cm', 'I10')).toBe('I10');
    expect(normaliseCode('http://hl7.org/fhir/sid/cvx', ' 08 ')).toBe('08');
  });

  it('qualifies a body site with its laterality and reads it back', () => {
    const site = bodySiteConcept(
      { coding: [{ system: 'http://snomed.info/sct', code: '72696002', display: 'Knee region' }] },
      'bilateral',
    );
    expect(site.text).toBe('Bilateral knee region');
    expect(lateralityOf(site)).toBe('bilateral');
    expect(lateralityOf({ text: 'Knee' })).toBeUndefined();
  });

  it('knows the "no known allergy" situations by scope', () => {
    expect(noKnownScopeOf({ coding: [{ system: 'http://snomed.info/sct', code: '409137002' }] })).toBe('medication');
    expect(noKnownScopeOf({ coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] })).toBeUndefined();
  });
});
