import { describe, expect, it } from 'vitest';
import { parseScopes, scopeGrant } from './access.scopes';

describe('SMART scopes', () => {
  it('reads v1 and v2 scopes and leaves the others out', () => {
    const scopes = parseScopes([
      'openid',
      'fhirUser',
      'launch',
      'offline_access',
      'patient/Observation.rs',
      'user/*.cruds',
      'patient/*.read',
      'system/Patient.write',
      'user/Encounter.rs?category=x',
      'user/Condition.sr',
    ]);
    expect(scopes.map((scope) => `${scope.context}/${scope.resourceType}.${[...scope.permissions].join('')}`)).toEqual([
      'patient/Observation.rs',
      'user/*.cruds',
      'patient/*.rs',
      'system/Patient.cud',
    ]);
  });

  it('grants by interaction, type and context', () => {
    const scopes = parseScopes(['patient/Observation.rs', 'user/Practitioner.r']);
    expect(scopeGrant(scopes, 'search', 'Observation')).toBe('patient');
    expect(scopeGrant(scopes, 'read', 'Observation')).toBe('patient');
    expect(scopeGrant(scopes, 'create', 'Observation')).toBe('none');
    expect(scopeGrant(scopes, 'read', 'Condition')).toBe('none');
    expect(scopeGrant(scopes, 'read', 'Practitioner')).toBe('full');
    expect(scopeGrant(scopes, 'search', 'Practitioner')).toBe('none');
    expect(scopeGrant(parseScopes(['user/*.*']), 'delete', 'Patient')).toBe('full');
    expect(scopeGrant(parseScopes(['system/*.read']), 'update', 'Patient')).toBe('none');
    expect(scopeGrant(parseScopes(['system/*.read']), '$export', 'System')).toBe('full');
    expect(scopeGrant(parseScopes(['patient/*.rs', 'user/Observation.rs']), 'search', 'Observation')).toBe('full');
  });
});
