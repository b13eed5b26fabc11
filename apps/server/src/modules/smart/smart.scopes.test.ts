import { describe, expect, it } from 'vitest';
import { covers, decideScopes, parseResourceScope } from './smart.scopes';

describe('SMART scopes', () => {
  it('reads v1 and v2 scopes alike and refuses malformed ones', () => {
    expect(parseResourceScope('patient/Observation.read')).toEqual({
      context: 'patient',
      resourceType: 'Observation',
      permissions: 'rs',
    });
    expect(parseResourceScope('user/*.cruds')).toEqual({ context: 'user', resourceType: '*', permissions: 'cruds' });
    expect(parseResourceScope('system/*.*')?.permissions).toBe('cruds');
    expect(parseResourceScope('patient/Observation.rs?category=laboratory')?.query).toBe('category=laboratory');
    for (const bad of [
      'patient/Observation.sr',
      'patient/Observation.rr',
      'doctor/*.rs',
      'patient/observation.rs',
      'patient/Observation.read?x=1',
      'launch',
    ]) {
      expect(parseResourceScope(bad), bad).toBeUndefined();
    }
  });

  it('covers narrower scopes only', () => {
    const allowed = parseResourceScope('patient/*.rs')!;
    expect(covers(allowed, parseResourceScope('patient/Observation.read')!)).toBe(true);
    expect(covers(allowed, parseResourceScope('patient/Observation.rs?category=vital-signs')!)).toBe(true);
    expect(covers(allowed, parseResourceScope('patient/Observation.cruds')!)).toBe(false);
    expect(covers(allowed, parseResourceScope('user/Observation.rs')!)).toBe(false);
    expect(
      covers(
        parseResourceScope('patient/Observation.rs?category=laboratory')!,
        parseResourceScope('patient/Observation.rs')!,
      ),
    ).toBe(false);
  });

  it('downgrades a request to what the client and the grant allow', () => {
    const allowed = ['openid', 'fhirUser', 'launch/patient', 'patient/*.rs', 'user/Patient.r'];
    expect(
      decideScopes(
        [
          'openid',
          'offline_access',
          'patient/Observation.rs',
          'patient/Observation.cud',
          'user/Patient.rs',
          'system/*.rs',
          'nonsense',
        ],
        allowed,
        'user',
      ),
    ).toEqual({
      granted: ['openid', 'patient/Observation.rs'],
      dropped: ['offline_access', 'patient/Observation.cud', 'user/Patient.rs', 'system/*.rs', 'nonsense'],
    });
    // Backend services get system scopes only, and no identity scopes.
    expect(
      decideScopes(['system/*.rs', 'patient/*.rs', 'openid'], ['system/*.cruds', 'patient/*.rs', 'openid'], 'backend'),
    ).toEqual({
      granted: ['system/*.rs'],
      dropped: ['patient/*.rs', 'openid'],
    });
  });
});
