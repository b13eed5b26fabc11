import type { Appointment, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import {
  canStillChange,
  describeRules,
  explainFlag,
  observationValue,
  refusalMessage,
  slotsByDay,
  usualRange,
} from './portal-format';

const potassium = (extra: Partial<Observation>): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'Potassium' },
  valueQuantity: { value: 5.9, unit: 'mmol/L' },
  referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
  ...extra,
});

describe('results in plain words', () => {
  it('explains the interpretation code', () => {
    const flag = explainFlag(potassium({ interpretation: [{ coding: [{ code: 'HH' }] }] }));
    expect(flag).toMatchObject({ label: 'Very high', tone: 'urgent' });
    expect(flag?.explanation).toContain('Much higher than the usual range');
  });
  it('falls back to the value against the usual range', () => {
    expect(explainFlag(potassium({}))?.label).toBe('High');
    expect(explainFlag(potassium({ valueQuantity: { value: 4, unit: 'mmol/L' } }))?.label).toBe('Normal');
    expect(explainFlag(potassium({ referenceRange: [] }))).toBeUndefined();
  });
  it('shows value and range', () => {
    expect(observationValue(potassium({}))).toBe('5.9 mmol/L');
    expect(usualRange(potassium({}))).toBe('3.5–5.1 mmol/L');
  });
});

describe('appointments', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const at = (start: string, status: Appointment['status'] = 'booked'): Appointment => ({
    resourceType: 'Appointment',
    status,
    participant: [],
    start,
  });
  it('allows changes only before the cut-off', () => {
    expect(canStillChange(at('2026-11-26T10:00:00Z'), 24, now)).toBe(true);
    expect(canStillChange(at('2026-11-25T09:00:00Z'), 24, now)).toBe(false);
    expect(canStillChange(at('2026-11-26T10:00:00Z', 'cancelled'), 24, now)).toBe(false);
  });
  it('states the rules', () => {
    expect(describeRules({ maxDaysAhead: 30, minNoticeHours: 2, cancelCutoffHours: 24 })).toBe(
      'You can book from 2 hours to 30 days ahead, and change or cancel up to 24 hours before the appointment.',
    );
  });
  it('turns a refusal into the clinic rule', () => {
    const rule = new ApiError(
      422,
      'start: appointments can be changed or cancelled up to 24 hours before they start',
      [],
      'r1',
      'SCHEDULING_RULE',
    );
    expect(refusalMessage(rule)).toBe('Appointments can be changed or cancelled up to 24 hours before they start');
    expect(refusalMessage(new ApiError(409, 'taken', [], 'r2'))).toContain('just taken');
  });
  it('groups slots by day', () => {
    const groups = slotsByDay(
      [{ start: '2026-11-25T09:00:00Z' }, { start: '2026-11-24T15:00:00Z' }, { start: '2026-11-25T08:00:00Z' }],
      'UTC',
    );
    expect(groups.map((group) => group.day)).toEqual(['Tuesday 24 November', 'Wednesday 25 November']);
    expect(groups[1]!.slots.map((slot) => slot.start)).toEqual(['2026-11-25T08:00:00Z', '2026-11-25T09:00:00Z']);
  });
});
