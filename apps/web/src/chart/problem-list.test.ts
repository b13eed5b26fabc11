import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { allergySummary, problemCode, problemsShown } from './problem-list';

const problem = (id: string, status: string, recorded: string): Condition => ({
  resourceType: 'Condition',
  id,
  subject: { reference: 'Patient/p' },
  clinicalStatus: { coding: [{ code: status }] },
  recordedDate: recorded,
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }] },
});

const allergy = (code: string | undefined, status = 'active'): AllergyIntolerance => ({
  resourceType: 'AllergyIntolerance',
  patient: { reference: 'Patient/p' },
  clinicalStatus: { coding: [{ code: status }] },
  code: code ? { coding: [{ system: 'http://snomed.info/sct', code }] } : { text: 'Penicillin' },
});

describe('problem list', () => {
  it('shows current problems (recurrences too) or the others, newest first', () => {
    const list = [
      problem('a', 'active', '2024-01-01'),
      problem('b', 'resolved', '2024-02-01'),
      problem('c', 'recurrence', '2024-03-01'),
    ];
    expect(problemsShown(list, 'active').map((p) => p.id)).toEqual(['c', 'a']);
    expect(problemsShown(list, 'resolved').map((p) => p.id)).toEqual(['b']);
    expect(problemsShown(list, 'all').map((p) => p.id)).toEqual(['c', 'b', 'a']);
    expect(problemCode(list[0]!)).toBe('E11.9');
  });
});

describe('allergy summary', () => {
  it('tells real allergies from a "no known allergy" record, and ignores inactive ones', () => {
    expect(allergySummary([allergy('716186003')])).toEqual({ current: [], noKnown: true });
    expect(allergySummary([allergy(undefined), allergy(undefined, 'resolved')]).current).toHaveLength(1);
    expect(allergySummary([allergy('716186003', 'inactive')])).toEqual({ current: [], noKnown: false });
  });
});
