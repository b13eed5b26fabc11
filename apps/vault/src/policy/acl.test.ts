import { describe, expect, it } from 'vitest';
import { Acl } from './acl.js';
import { parsePolicy } from './policy.js';

const acl = (...sources: string[]) => new Acl(sources.map((s, i) => parsePolicy(`p${i}`, s)));

describe('ACL matching (Vault policy docs)', () => {
  it('an exact path only matches itself; a glob matches by prefix', () => {
    const a = acl('path "secret/foo" { capabilities = ["read"] }\npath "secret/bar*" { capabilities = ["read"] }');
    expect(a.allowed('secret/foo', 'read').allowed).toBe(true);
    expect(a.allowed('secret/foo/x', 'read').allowed).toBe(false);
    expect(a.allowed('secret/bar', 'read').allowed).toBe(true);
    expect(a.allowed('secret/barn', 'read').allowed).toBe(true);
    expect(a.allowed('secret/bar/zip/zap', 'read').allowed).toBe(true);
    expect(a.allowed('secret/foo', 'update').allowed).toBe(false);
  });

  it('+ matches exactly one path segment', () => {
    const a = acl(
      'path "secret/+/teamb" { capabilities = ["read"] }\npath "secret/+/+/teamc" { capabilities = ["list"] }',
    );
    expect(a.allowed('secret/foo/teamb', 'read').allowed).toBe(true);
    expect(a.allowed('secret/bar/teamb', 'read').allowed).toBe(true);
    expect(a.allowed('secret/foo/bar/teamb', 'read').allowed).toBe(false);
    expect(a.allowed('secret/foo/teama', 'read').allowed).toBe(false);
    expect(a.capabilities('secret/a/b/teamc')).toEqual(['list']);
    expect(a.capabilities('secret/a/teamc')).toEqual(['deny']);
  });

  it('+ can be combined with a trailing glob', () => {
    const a = acl('path "secret/+/team*" { capabilities = ["read"] }');
    expect(a.allowed('secret/x/teamb', 'read').allowed).toBe(true);
    expect(a.allowed('secret/x/teams/deep', 'read').allowed).toBe(true);
    expect(a.allowed('secret/x/other', 'read').allowed).toBe(false);
  });

  it('the exact path wins over any glob', () => {
    const a = acl(
      'path "secret/*" { capabilities = ["read"] }\npath "secret/super-secret" { capabilities = ["deny"] }',
    );
    expect(a.allowed('secret/foo', 'read').allowed).toBe(true);
    expect(a.allowed('secret/super-secret', 'read').allowed).toBe(false);
  });

  it('the longest glob prefix wins, even over a broader deny', () => {
    const a = acl(
      'path "secret/*" { capabilities = ["deny"] }\npath "secret/public/*" { capabilities = ["read", "list"] }',
    );
    expect(a.allowed('secret/public/a', 'read').allowed).toBe(true);
    expect(a.allowed('secret/private/a', 'read').allowed).toBe(false);
    const b = acl(
      'path "secret/*" { capabilities = ["read"] }\npath "secret/restricted/*" { capabilities = ["deny"] }',
    );
    expect(b.allowed('secret/restricted/x', 'read').allowed).toBe(false);
    expect(b.allowed('secret/open', 'read').allowed).toBe(true);
  });

  it('rules for the same path in several policies merge, and deny takes precedence', () => {
    const a = acl('path "secret/foo" { capabilities = ["read"] }', 'path "secret/foo" { capabilities = ["update"] }');
    expect(a.capabilities('secret/foo')).toEqual(['read', 'update']);
    const b = acl(
      'path "secret/foo" { capabilities = ["read", "update"] }',
      'path "secret/foo" { capabilities = ["deny"] }',
    );
    expect(b.allowed('secret/foo', 'read').allowed).toBe(false);
    expect(b.capabilities('secret/foo')).toEqual(['deny']);
    const c = acl('path "secret/*" { capabilities = ["read"] }', 'path "secret/*" { capabilities = ["deny"] }');
    expect(c.allowed('secret/anything', 'read').allowed).toBe(false);
  });

  it('priority rule 1: the later first wildcard wins', () => {
    const a = acl('path "secret/+/b" { capabilities = ["read"] }\npath "secret/a/+" { capabilities = ["update"] }');
    expect(a.capabilities('secret/a/b')).toEqual(['update']);
    // A glob that starts later than a + segment wins too.
    const b = acl('path "secret/foo/*" { capabilities = ["list"] }\npath "secret/+/bar" { capabilities = ["read"] }');
    expect(b.capabilities('secret/foo/bar')).toEqual(['list']);
  });

  it('priority rule 2: a path ending in * loses to one that does not', () => {
    const a = acl('path "secret/+/b*" { capabilities = ["list"] }\npath "secret/+/b" { capabilities = ["read"] }');
    expect(a.capabilities('secret/x/b')).toEqual(['read']);
    expect(a.capabilities('secret/x/bc')).toEqual(['list']);
  });

  it('priority rule 3: more + segments lose ("secret/*" beats "secret/+/*")', () => {
    const a = acl('path "secret/*" { capabilities = ["read"] }\npath "secret/+/*" { capabilities = ["deny"] }');
    expect(a.allowed('secret/a/b', 'read').allowed).toBe(true);
    const b = acl('path "secret/+/+/c" { capabilities = ["read"] }\npath "secret/+/b/+" { capabilities = ["update"] }');
    // Same first wildcard, neither is a glob, both have two + segments: longer path wins, then lexicographic.
    expect(b.capabilities('secret/a/b/c')).toEqual(['update']);
  });

  it('priority rule 4 and 5: longer wins, then lexicographically larger', () => {
    const a = acl(
      'path "secret/+/ba*" { capabilities = ["read"] }\npath "secret/+/bar*" { capabilities = ["update"] }',
    );
    expect(a.capabilities('secret/x/bar1')).toEqual(['update']);
    expect(a.capabilities('secret/x/baz')).toEqual(['read']);
  });

  it('LIST on a folder also matches the rule without the trailing slash', () => {
    const a = acl('path "secret/metadata" { capabilities = ["list"] }');
    expect(a.allowed('secret/metadata/', 'list').allowed).toBe(true);
    expect(a.allowed('secret/metadata/', 'read').allowed).toBe(false);
  });

  it('root allows everything and reports the root capability', () => {
    const a = new Acl([parsePolicy('root', '')], true);
    expect(a.allowed('anything/at/all', 'delete')).toEqual({ allowed: true, sudo: true });
    expect(a.capabilities('x')).toEqual(['root']);
  });

  it('reports sudo from the matching rule', () => {
    const a = acl(
      'path "sys/audit*" { capabilities = ["update", "sudo"] }\npath "sys/mounts/*" { capabilities = ["update"] }',
    );
    expect(a.allowed('sys/audit/file', 'update')).toMatchObject({ allowed: true, sudo: true });
    expect(a.allowed('sys/mounts/x', 'update')).toMatchObject({ allowed: true, sudo: false });
  });

  it('enforces allowed, denied and required parameters', () => {
    const a = acl(`
      path "secret/restricted" {
        capabilities = ["create", "update"]
        allowed_parameters = { "foo" = [] "bar" = ["zip", "zap"] }
        denied_parameters = { "bar" = ["zap"] }
      }
      path "secret/req" {
        capabilities = ["update"]
        required_parameters = ["must"]
      }
      path "secret/nobaz" {
        capabilities = ["update"]
        denied_parameters = { "baz" = [] }
      }
    `);
    expect(a.allowed('secret/restricted', 'update', { foo: 'anything' }).allowed).toBe(true);
    expect(a.allowed('secret/restricted', 'update', { bar: 'zip' }).allowed).toBe(true);
    expect(a.allowed('secret/restricted', 'update', { bar: 'zap' }).allowed).toBe(false);
    expect(a.allowed('secret/restricted', 'update', { bar: 'other' }).allowed).toBe(false);
    expect(a.allowed('secret/restricted', 'update', { other: 1 }).allowed).toBe(false);
    expect(a.allowed('secret/req', 'update', {}).allowed).toBe(false);
    expect(a.allowed('secret/req', 'update', { must: 1 }).allowed).toBe(true);
    expect(a.allowed('secret/nobaz', 'update', { baz: 1 }).allowed).toBe(false);
    expect(a.allowed('secret/nobaz', 'update', { ok: 1 }).allowed).toBe(true);
  });

  it('denies by default', () => {
    const a = acl('');
    expect(a.allowed('secret/x', 'read').allowed).toBe(false);
    expect(a.capabilities('secret/x')).toEqual(['deny']);
  });
});
