import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { describeMatch, duplicateCandidates, registrationIssues } from './registration-api';

const problem = (code: string, details: Record<string, unknown>, message = 'Refused') =>
  new ApiError(400, message, [{ severity: 'error', code, message }], 'req-1', code, details);

describe('registration answers', () => {
  it('reads the duplicate candidates of a 409', () => {
    const candidate = {
      id: 'p1',
      score: 0.7,
      grade: 'possible',
      matched: ['name', 'birthDate'],
      mrn: 'MRN00000018',
      patient: { resourceType: 'Patient', id: 'p1' },
    };
    expect(duplicateCandidates(problem('PATIENT_DUPLICATE_SUSPECTED', { candidates: [candidate] }))).toEqual([
      candidate,
    ]);
    expect(duplicateCandidates(problem('PATIENT_INVALID_REQUEST', {}))).toBeUndefined();
  });

  it('places a request problem and FHIR issues on their Patient elements', () => {
    expect(
      registrationIssues(problem('PATIENT_INVALID_REQUEST', { path: 'patient.birthDate' }, 'Not a real date')),
    ).toEqual([{ severity: 'error', code: 'invalid', message: 'Not a real date', expression: 'Patient.birthDate' }]);
    const issues = [
      { severity: 'error', code: 'code-invalid', diagnostics: 'Bad gender', expression: ['Patient.gender'] },
    ];
    expect(registrationIssues(problem('PATIENT_INVALID_RESOURCE', { issues }))).toEqual([
      { severity: 'error', code: 'code-invalid', message: 'Bad gender', expression: 'Patient.gender' },
    ]);
  });

  it('says in words why a candidate matched', () => {
    expect(
      describeMatch({
        id: 'p',
        score: 0.812,
        grade: 'probable',
        matched: ['name', 'birthDate (day and month swapped)', 'phone'],
        mrn: null,
        patient: { resourceType: 'Patient' },
      }),
    ).toBe('probable match (81%): same name, date of birth with day and month swapped, phone');
  });
});
