import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { lockoutMessage, parseMemberTenants, parsePrincipal, tenantChoices } from './auth-api';
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

  it('names the person and their organisation when the server does', () => {
    const user = parsePrincipal(
      { userId: 'u1', tenantId: 't1', tenantName: 'Harbour Clinic', name: 'Jane Doe', roles: ['nurse'] },
      'jane@clinic.example',
    );
    expect(user).toMatchObject({ displayName: 'Jane Doe', tenant: { id: 't1', name: 'Harbour Clinic' } });
  });
});

describe('tenants', () => {
  it('offers the tenants of a sign-in question by name, by id when the server gives no names', () => {
    expect(
      tenantChoices({
        tenants: ['t1', 't2'],
        choices: [
          { id: 't1', name: 'Harbour Clinic' },
          { id: 't2', name: 'Upland Practice' },
        ],
      }),
    ).toEqual([
      { id: 't1', name: 'Harbour Clinic' },
      { id: 't2', name: 'Upland Practice' },
    ]);
    expect(tenantChoices({ tenants: ['t1', 't2'] })).toEqual([
      { id: 't1', name: 't1' },
      { id: 't2', name: 't2' },
    ]);
  });

  it('reads the person’s organisations with the current one marked, skipping malformed entries', () => {
    expect(
      parseMemberTenants({
        tenants: [
          { id: 't1', name: 'Harbour Clinic', slug: 'harbour', roles: ['nurse'], current: true },
          { id: 't2', name: '', current: false },
          { name: 'no id' },
        ],
      }),
    ).toEqual([
      { id: 't1', name: 'Harbour Clinic', current: true },
      { id: 't2', name: 't2', current: false },
    ]);
    expect(parseMemberTenants(undefined)).toEqual([]);
  });

  it('says how long a locked account waits, in minutes', () => {
    const locked = new ApiError(429, 'locked', [], 'r1', 'AUTH_ACCOUNT_LOCKED', { retryAfterSeconds: 61 });
    expect(lockoutMessage(locked)).toBe('Too many failed attempts. Try again in 2 minutes.');
    expect(lockoutMessage(new ApiError(403, 'no', [], 'r1', 'AUTH_SWITCH_NOT_MEMBER'))).toBeUndefined();
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
