import { describe, expect, it } from 'vitest';
import { breadcrumbs, kvApiPath, kvMounts, secretPathProblem, versionRows } from './kv-paths';

describe('kvMounts', () => {
  it('keeps KV mounts with their version, sorted, without slashes', () => {
    expect(
      kvMounts({
        'sys/': { type: 'system' },
        'secret/': { type: 'kv', options: { version: '2' } },
        'legacy/': { type: 'kv', options: null },
        'transit/': { type: 'transit' },
        'apps/': { type: 'kv-v2' },
      }).map(({ path, version }) => [path, version]),
    ).toEqual([
      ['apps', 2],
      ['legacy', 1],
      ['secret', 2],
    ]);
  });
});

describe('kvApiPath', () => {
  it('puts data/ and metadata/ in KV v2 paths', () => {
    expect(kvApiPath('secret/', 2, 'read', 'clinic/smtp')).toBe('secret/data/clinic/smtp');
    expect(kvApiPath('secret', 2, 'list', 'clinic')).toBe('secret/metadata/clinic/');
    expect(kvApiPath('secret', 2, 'list', '')).toBe('secret/metadata/');
    expect(kvApiPath('secret', 2, 'undelete', 'a')).toBe('secret/undelete/a');
    expect(kvApiPath('secret', 2, 'metadata', 'a')).toBe('secret/metadata/a');
  });
  it('uses the plain path for KV v1', () => {
    expect(kvApiPath('legacy', 1, 'read', 'a/b')).toBe('legacy/a/b');
    expect(kvApiPath('legacy', 1, 'list', 'a')).toBe('legacy/a/');
  });
});

describe('breadcrumbs', () => {
  it('names each folder on the way to a secret', () => {
    expect(breadcrumbs('clinic/mail/smtp')).toEqual([
      { label: 'clinic', path: 'clinic/' },
      { label: 'mail', path: 'clinic/mail/' },
      { label: 'smtp', path: 'clinic/mail/smtp' },
    ]);
    expect(breadcrumbs('clinic/')).toEqual([{ label: 'clinic', path: 'clinic/' }]);
    expect(breadcrumbs('')).toEqual([]);
  });
});

describe('secretPathProblem', () => {
  it('accepts nested paths and refuses folders, empty and dot parts', () => {
    expect(secretPathProblem('clinic/smtp')).toBeUndefined();
    expect(secretPathProblem('')).toMatch(/Enter a path/);
    expect(secretPathProblem('/a')).toMatch(/slash/);
    expect(secretPathProblem('a/')).toMatch(/folder/);
    expect(secretPathProblem('a//b')).toMatch(/empty/);
    expect(secretPathProblem('a/../b')).toMatch(/".."/);
  });
});

describe('versionRows', () => {
  it('lists versions newest first with their state', () => {
    const rows = versionRows({
      current_version: 3,
      versions: {
        '1': { created_time: '2025-01-01T00:00:00Z', deletion_time: '', destroyed: true },
        '2': { created_time: '2025-01-02T00:00:00Z', deletion_time: '2025-01-03T00:00:00Z', destroyed: false },
        '3': { created_time: '2025-01-04T00:00:00Z', deletion_time: '', destroyed: false },
        '10': { created_time: '2025-01-05T00:00:00Z', deletion_time: '', destroyed: false },
      },
    });
    expect(rows.map((row) => [row.version, row.state])).toEqual([
      [10, 'available'],
      [3, 'current'],
      [2, 'deleted'],
      [1, 'destroyed'],
    ]);
  });
});
