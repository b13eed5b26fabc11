import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './access.defaults';
import { CompiledPolicy, intersectFilters, unionFilters } from './access.engine';

describe('compiled policy', () => {
  const policy = new CompiledPolicy(defaultPolicy(), 0);

  it('gives each role of a clinic its work and nothing else', () => {
    expect(policy.allows('front_desk', 'create', 'Appointment')).toBe(true);
    expect(policy.allows('front_desk', 'read', 'Observation')).toBe(false);
    expect(policy.allows('front_desk', 'read', 'DocumentReference')).toBe(false);
    expect(policy.allows('billing', 'read', 'Claim')).toBe(true);
    expect(policy.allows('billing', 'read', 'Patient')).toBe(true);
    expect(policy.allows('billing', 'read', 'Condition')).toBe(false);
    expect(policy.allows('pharmacist', 'create', 'MedicationDispense')).toBe(true);
    expect(policy.allows('pharmacist', 'read', 'Encounter')).toBe(false);
    expect(policy.allows('nurse', 'create', 'Observation')).toBe(true);
    expect(policy.allows('nurse', 'create', 'Condition')).toBe(false);
    expect(policy.allows('nurse', 'read', 'Condition')).toBe(true);
    expect(policy.allows('physician', 'delete', 'Condition')).toBe(true);
    expect(policy.allows('physician', '$export', 'System')).toBe(false);
    expect(policy.allows('patient', 'read', 'Observation')).toBe(true);
    expect(policy.allows('patient', 'create', 'Observation')).toBe(false);
    expect(policy.allows('patient', 'create', 'Appointment')).toBe(true);
    expect(policy.allows('tenant_admin', 'update', 'Practitioner')).toBe(true);
    expect(policy.allows('tenant_admin', 'read', 'Observation')).toBe(false);
    expect(policy.allows('tenant_admin', '$export', 'System')).toBe(true);
    expect(policy.allows('super_admin', 'delete', 'Observation')).toBe(true);
    expect(policy.allows('system', '$export', 'System')).toBe(true);
  });

  it('lets deny rules win and denies what no rule names', () => {
    const custom = new CompiledPolicy(
      {
        clinicianAccess: 'all',
        rules: [
          { role: 'physician', resources: ['*'], interactions: ['*'], effect: 'deny' },
          { role: 'physician', resources: ['Observation'], interactions: ['read'], effect: 'allow' },
          { role: 'nurse', resources: ['*'], interactions: ['read'], effect: 'allow' },
          { role: 'nurse', resources: ['DocumentReference'], interactions: ['*'], effect: 'deny' },
        ],
      },
      1,
    );
    expect(custom.allows('physician', 'read', 'Observation')).toBe(false);
    expect(custom.allows('nurse', 'read', 'Observation')).toBe(true);
    expect(custom.allows('nurse', 'read', 'DocumentReference')).toBe(false);
    expect(custom.allows('nurse', 'search', 'Observation')).toBe(false);
    expect(custom.allows('billing', 'read', 'Observation')).toBe(false);
  });
});

describe('row filters', () => {
  const only = (...patients: string[]) => ({ kind: 'only' as const, patients });
  const except = (...patients: string[]) => ({ kind: 'except' as const, patients });

  it('unions', () => {
    expect(unionFilters({ kind: 'all' }, only('a'))).toEqual({ kind: 'all' });
    expect(unionFilters(only('a'), only('b'))).toEqual(only('a', 'b'));
    expect(unionFilters(except('a', 'b'), except('b', 'c'))).toEqual(except('b'));
    expect(unionFilters(only('a'), except('a', 'b'))).toEqual(except('b'));
  });

  it('intersects', () => {
    expect(intersectFilters({ kind: 'all' }, only('a'))).toEqual(only('a'));
    expect(intersectFilters(only('a', 'b'), only('b'))).toEqual(only('b'));
    expect(intersectFilters(except('a'), except('b'))).toEqual(except('a', 'b'));
    expect(intersectFilters(only('a', 'b'), except('a'))).toEqual(only('b'));
  });
});
