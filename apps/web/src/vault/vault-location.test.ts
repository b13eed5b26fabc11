import { describe, expect, it } from 'vitest';
import { parseVaultLocation, validateVaultSearch } from './vault-location';

describe('parseVaultLocation', () => {
  it('finds the screen and the policy name', () => {
    expect(parseVaultLocation(undefined)).toEqual({ view: 'secrets', name: '' });
    expect(parseVaultLocation('users')).toEqual({ view: 'users', name: '' });
    expect(parseVaultLocation('policies/readers')).toEqual({ view: 'policies', name: 'readers' });
    expect(parseVaultLocation('policies/team%20a')).toEqual({ view: 'policies', name: 'team a' });
    expect(parseVaultLocation('nonsense/x')).toEqual({ view: 'secrets', name: '' });
  });
});

describe('validateVaultSearch', () => {
  it('keeps a mount, a path and a positive whole version', () => {
    expect(validateVaultSearch({ mount: 'secret', path: 'a/b', version: '2' })).toEqual({
      mount: 'secret',
      path: 'a/b',
      version: 2,
    });
    expect(validateVaultSearch({ mount: 3, path: '', version: '-1' })).toEqual({});
    expect(validateVaultSearch({ version: '1.5' })).toEqual({});
  });
});
