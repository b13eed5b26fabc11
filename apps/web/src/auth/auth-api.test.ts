import { describe, expect, it } from 'vitest';
import { parsePrincipal } from './auth-api';
import { hasAnyRole, normaliseRoles } from './roles';

describe('parsePrincipal', () => {
  it('reads the identity module’s principal, with the email signed in with as the name', () => {
    const user = parsePrincipal(
      {
        kind: 'user',
        subject: 'u1',
        userId: 'u1',
        tenantId: 't1',
        roles: ['front_desk', 'physician', 'system'],
        scopes: [],
        sessionId: 's1',
      },
      'jane@clinic.example',
    );
    expect(user).toEqual({
      id: 'u1',
      displayName: 'jane@clinic.example',
      roles: ['front-desk', 'physician'],
      tenant: { id: 't1', name: '' },
    });
  });
});

describe('roles', () => {
  it('accepts the spellings servers use and drops unknown roles', () => {
    expect(normaliseRoles(['tenant_admin', 'FrontDesk', 'super admin', 'wizard', 3])).toEqual([
      'tenant-admin',
      'front-desk',
      'super-admin',
    ]);
  });
  it('lets a super admin into staff screens but not into the patient portal', () => {
    expect(hasAnyRole(['super-admin'], ['tenant-admin'])).toBe(true);
    expect(hasAnyRole(['super-admin'], ['patient'])).toBe(false);
    expect(hasAnyRole(['nurse'], ['tenant-admin'])).toBe(false);
  });
});
