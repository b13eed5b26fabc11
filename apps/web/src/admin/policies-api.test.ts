import { describe, expect, it } from 'vitest';
import { describeRule, rulePath, ruleProblems } from './policies-api';

describe('access policy rules', () => {
  it('reads as a sentence, long lists shortened', () => {
    expect(
      describeRule({ role: 'nurse', resources: ['Patient'], interactions: ['read', 'search'], effect: 'allow' }),
    ).toBe('May read, search of Patient');
    expect(
      describeRule({ role: 'nurse', resources: ['A', 'B', 'C', 'D', 'E', 'F'], interactions: ['*'], effect: 'deny' }),
    ).toBe('Never everything of A, B, C, D (+2 more)');
    expect(describeRule({ role: 'billing', resources: ['*'], interactions: ['read'], effect: 'allow' })).toBe(
      'May read of every resource type',
    );
  });

  it('finds what the server would refuse before saving', () => {
    expect(ruleProblems({ resources: [], interactions: [] })).toEqual({
      role: 'Choose a role',
      resources: 'Choose at least one resource type, or *',
      interactions: 'Choose at least one interaction, or *',
    });
    expect(ruleProblems({ role: 'nurse', resources: ['Patient'], interactions: ['read', '$everything'] })).toEqual({});
    expect(ruleProblems({ role: 'nurse', resources: ['Patient'], interactions: ['peek'] }).interactions).toMatch(
      /peek/,
    );
  });

  it('maps a server field path to the rule it names', () => {
    expect(rulePath('rules.3.resources.0')).toEqual({ index: 3, field: 'resources' });
    expect(rulePath('clinicianAccess')).toBeUndefined();
    expect(rulePath(undefined)).toBeUndefined();
  });
});
