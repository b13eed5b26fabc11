import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../fhir';
import { parseCriteria } from './subscription.criteria';
import { matchesType } from './webhooks.service';

beforeAll(() => loadDefinitions());

describe('Subscription criteria', () => {
  it('reads the type and the parameters, decoded and in order', () => {
    expect(parseCriteria('Observation?code=http://loinc.org%7C2345-7&subject=Patient/1&code=x')).toEqual({
      resourceType: 'Observation',
      params: [
        ['code', 'http://loinc.org|2345-7'],
        ['subject', 'Patient/1'],
        ['code', 'x'],
      ],
    });
    expect(parseCriteria('Patient')).toEqual({ resourceType: 'Patient', params: [] });
  });

  it('refuses what is not a type, and page-shaping parameters', () => {
    expect(parseCriteria('observation?code=1')).toHaveProperty('error');
    expect(parseCriteria('')).toHaveProperty('error');
    expect(parseCriteria(undefined)).toHaveProperty('error');
    expect(parseCriteria('Observation?_count=10')).toEqual({ error: expect.stringMatching(/^_count/) });
  });
});

describe('webhook type filters', () => {
  it('takes a type, a family or everything', () => {
    expect(matchesType(['appointment.booked'], 'appointment.booked')).toBe(true);
    expect(matchesType(['appointment.booked'], 'appointment.cancelled')).toBe(false);
    expect(matchesType(['appointment.*'], 'appointment.no-show')).toBe(true);
    expect(matchesType(['appointment.*'], 'appointments.x')).toBe(false);
    expect(matchesType(['*'], 'invoice.issued')).toBe(true);
  });
});
