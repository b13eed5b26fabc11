import type { Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { dateInputValue, problemStatusOptions, statusDateLabel, today } from './list-options';
import { problemChanges, problemForm } from './problem-edit';

const problem: Condition = {
  resourceType: 'Condition',
  id: 'c1',
  subject: { reference: 'Patient/p' },
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'confirmed' }] },
  severity: { coding: [{ system: 'http://snomed.info/sct', code: '6736007', display: 'Moderate' }] },
  onsetDateTime: '2019-04-02',
};
const now = new Date(2025, 2, 7, 9, 30);

describe('editing a problem', () => {
  it('starts from what is recorded, and today for the date of a change of status', () => {
    expect(problemForm(problem, now)).toEqual({
      onset: '2019-04-02',
      severity: 'moderate',
      verificationStatus: 'confirmed',
      clinicalStatus: 'active',
      date: '2025-03-07',
      note: '',
    });
  });

  it('sends only what changed: an emptied onset is cleared, a status goes with its date', () => {
    const before = problemForm(problem, now);
    expect(problemChanges(before, before)).toBeUndefined();
    expect(problemChanges(before, { ...before, note: '   ' })).toBeUndefined();
    expect(problemChanges(before, { ...before, onset: '', severity: null, note: ' Seen by rheumatology ' })).toEqual({
      onset: null,
      severity: null,
      note: 'Seen by rheumatology',
    });
    expect(problemChanges(before, { ...before, clinicalStatus: 'resolved', date: '2025-03-01' })).toEqual({
      clinicalStatus: 'resolved',
      date: '2025-03-01',
    });
    // The date alone means nothing without a change of status.
    expect(problemChanges(before, { ...before, date: '2025-01-01' })).toBeUndefined();
  });

  it('offers where the status may go: a resolved problem only comes back as a recurrence', () => {
    expect(problemStatusOptions('resolved').map((option) => option.value)).toEqual(['resolved', 'recurrence']);
    expect(problemStatusOptions('active').map((option) => option.value)).toEqual([
      'active',
      'inactive',
      'remission',
      'resolved',
    ]);
    expect(problemStatusOptions('remission').map((option) => option.value)).toContain('relapse');
    expect(problemStatusOptions('remission').map((option) => option.value)).not.toContain('active');
    expect(problemStatusOptions(undefined)[0]).toEqual({ value: 'active', label: 'Active' });
    expect(statusDateLabel('resolved')).toBe('Resolved on');
    expect(statusDateLabel('recurrence')).toBe('Came back on');
    expect(statusDateLabel('inactive')).toBe('Since');
  });

  it('shows recorded dates in a date field only when the day is known', () => {
    expect(dateInputValue('2019-04-02')).toBe('2019-04-02');
    expect(dateInputValue('2024-09-01T10:00:00Z')).toBe('2024-09-01');
    expect(dateInputValue('2019-04')).toBe('');
    expect(dateInputValue(undefined)).toBe('');
    expect(today(new Date(2024, 0, 5, 23, 59))).toBe('2024-01-05');
  });
});
