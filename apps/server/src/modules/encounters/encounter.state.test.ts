import { describe, expect, it } from 'vitest';
import { withTransition } from './encounter.resource';
import { allowedTransitions, canTransition, ENCOUNTER_STATUSES, statusChangeAllowed } from './encounter.state';

describe('the visit lifecycle', () => {
  it('goes forward one step at a time', () => {
    const path = ['planned', 'arrived', 'triaged', 'in-progress', 'finished'];
    for (let i = 0; i < path.length - 1; i++) {
      expect(canTransition(path[i], path[i + 1]!)).toBe(true);
      for (let j = i + 2; j < path.length; j++) expect(canTransition(path[i], path[j]!)).toBe(false);
      expect(canTransition(path[i + 1], path[i]!)).toBe(false);
    }
  });

  it('cancels only before the visit starts; entered-in-error from anywhere but itself', () => {
    expect(ENCOUNTER_STATUSES.filter((from) => canTransition(from, 'cancelled'))).toEqual([
      'planned',
      'arrived',
      'triaged',
    ]);
    expect(ENCOUNTER_STATUSES.filter((from) => canTransition(from, 'entered-in-error'))).toEqual(
      ENCOUNTER_STATUSES.filter((status) => status !== 'entered-in-error'),
    );
    expect(allowedTransitions('entered-in-error')).toEqual([]);
    expect(allowedTransitions('finished')).toEqual(['entered-in-error']);
  });

  it('leaves FHIR statuses outside the lifecycle free, without reopening closed visits', () => {
    expect(statusChangeAllowed('planned', 'planned')).toBe(true);
    expect(statusChangeAllowed('unknown', 'finished')).toBe(true);
    expect(statusChangeAllowed('in-progress', 'onleave')).toBe(true);
    expect(statusChangeAllowed('onleave', 'in-progress')).toBe(true);
    expect(statusChangeAllowed('finished', 'onleave')).toBe(false);
    expect(statusChangeAllowed('finished', 'in-progress')).toBe(false);
  });
});

describe('withTransition', () => {
  it('closes the open statusHistory entry, opens the new one with who and why, and keeps the period', () => {
    const by = { identifier: { system: 'urn:test', value: 'u1' } };
    const planned = {
      resourceType: 'Encounter' as const,
      status: 'planned' as const,
      class: { code: 'AMB' },
      statusHistory: [{ status: 'planned' as const, period: { start: '2024-01-01T08:00:00Z' } }],
    };
    const arrived = withTransition(planned, 'arrived', '2024-01-01T09:00:00Z', by);
    expect(arrived.period).toEqual({ start: '2024-01-01T09:00:00Z' });
    const error = withTransition(arrived, 'entered-in-error', '2024-01-01T09:05:00Z', by, 'wrong patient');
    expect(error.statusHistory).toEqual([
      { status: 'planned', period: { start: '2024-01-01T08:00:00Z', end: '2024-01-01T09:00:00Z' } },
      {
        status: 'arrived',
        period: { start: '2024-01-01T09:00:00Z', end: '2024-01-01T09:05:00Z' },
        extension: [{ url: expect.stringContaining('status-changed-by'), valueReference: by }],
      },
      {
        status: 'entered-in-error',
        period: { start: '2024-01-01T09:05:00Z' },
        extension: [
          { url: expect.stringContaining('status-changed-by'), valueReference: by },
          { url: expect.stringContaining('status-change-reason'), valueString: 'wrong patient' },
        ],
      },
    ]);
    expect(planned.statusHistory).toHaveLength(1);
  });
});
