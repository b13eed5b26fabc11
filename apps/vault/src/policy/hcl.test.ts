import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from './defaults.js';
import { HclParseError, parseHcl } from './hcl.js';
import { PolicyParseError, parsePolicy } from './policy.js';

describe('HCL parser', () => {
  it('parses attributes, lists, objects and all comment styles', () => {
    const doc = parseHcl(`
      # hash comment
      // slash comment
      /* block
         comment */
      name = "x"   # trailing
      count = 3
      ratio = -1.5
      on = true
      off = false
      list = ["a", "b",]
      nested = { inner = "v", deep = { n = 1 } }
    `);
    expect(doc).toEqual({
      name: 'x',
      count: 3,
      ratio: -1.5,
      on: true,
      off: false,
      list: ['a', 'b'],
      nested: { inner: 'v', deep: { n: 1 } },
    });
  });

  it('keeps repeated labelled blocks', () => {
    const doc = parseHcl(`
      path "secret/*" { capabilities = ["read"] }
      path "secret/foo" {
        capabilities = ["deny"]
      }
    `);
    expect(doc.path).toEqual([
      { 'secret/*': { capabilities: ['read'] } },
      { 'secret/foo': { capabilities: ['deny'] } },
    ]);
  });

  it('handles string escapes and heredocs', () => {
    const doc = parseHcl(
      'a = "q\\"uote\\n\\u0041"\nb = <<EOT\nline1\n  line2\nEOT\nc = <<-EOT\n    x\n      y\n    EOT\n',
    );
    expect(doc.a).toBe('q"uote\nA');
    expect(doc.b).toBe('line1\n  line2\n');
    expect(doc.c).toBe('x\n  y\n');
  });

  it('reports errors with a line and column', () => {
    expect(() => parseHcl('path "x" {\n  capabilities = ["read"\n}')).toThrow(HclParseError);
    expect(() => parseHcl('a = "unterminated')).toThrow(/unterminated string/);
    expect(() => parseHcl('a = \n\n  @')).toThrow(/line 3/);
    expect(() => parseHcl('path "x" {')).toThrow(/unexpected end/);
    expect(() => parseHcl('/* never closed')).toThrow(/unterminated comment/);
  });
});

describe('policy parsing', () => {
  it('parses Vault policy syntax', () => {
    const policy = parsePolicy(
      'p',
      `
      path "secret/data/*" {
        capabilities = ["create", "read", "update", "patch", "delete", "list"]
      }
      path "/secret/metadata/*" { capabilities = ["list"] }
      path "sys/policies/acl/*" { capabilities = ["Sudo", "read"] }
      path "secret/restricted" {
        capabilities = ["create"]
        allowed_parameters = {
          "foo" = []
          "bar" = ["zip", "zap"]
        }
        denied_parameters = { "baz" = [] }
        required_parameters = ["foo"]
        min_wrapping_ttl = "1s"
        max_wrapping_ttl = 90
      }
    `,
    );
    expect(policy.rules.map((r) => r.path)).toEqual([
      'secret/data/*',
      'secret/metadata/*',
      'sys/policies/acl/*',
      'secret/restricted',
    ]);
    expect(policy.rules[2]?.capabilities).toEqual(['sudo', 'read']);
    const restricted = policy.rules[3];
    expect(restricted?.allowedParameters).toEqual({ foo: [], bar: ['zip', 'zap'] });
    expect(restricted?.deniedParameters).toEqual({ baz: [] });
    expect(restricted?.requiredParameters).toEqual(['foo']);
    expect(restricted?.minWrappingTtl).toBe(1);
    expect(restricted?.maxWrappingTtl).toBe(90);
  });

  it('parses JSON policies', () => {
    const policy = parsePolicy(
      'j',
      JSON.stringify({ path: { 'secret/*': { capabilities: ['read'] }, 'auth/*': { policy: 'write' } } }),
    );
    expect(policy.rules).toHaveLength(2);
    expect(policy.rules[1]?.capabilities).toEqual(['create', 'read', 'update', 'patch', 'delete', 'list']);
  });

  it('maps the legacy policy field and lets deny replace other capabilities', () => {
    const policy = parsePolicy('l', 'path "a" { policy = "read" }\npath "b" { capabilities = ["read", "deny"] }');
    expect(policy.rules[0]?.capabilities).toEqual(['read', 'list']);
    expect(policy.rules[1]?.capabilities).toEqual(['deny']);
  });

  it('parses the built-in default policy', () => {
    const policy = parsePolicy('default', DEFAULT_POLICY);
    expect(policy.rules.find((r) => r.path === 'auth/token/lookup-self')?.capabilities).toEqual(['read']);
  });

  it('rejects invalid capabilities, keys and wildcards', () => {
    expect(() => parsePolicy('x', 'path "a" { capabilities = ["fly"] }')).toThrow(PolicyParseError);
    expect(() => parsePolicy('x', 'path "a" { capabilities = ["read"] bogus = 1 }')).toThrow(/invalid key/);
    expect(() => parsePolicy('x', 'paths "a" { }')).toThrow(/invalid key/);
    expect(() => parsePolicy('x', 'path "a/+*" { capabilities = ["read"] }')).toThrow(/forbidden/);
    expect(() => parsePolicy('x', 'path "a" { policy = "maybe" }')).toThrow(/invalid policy/);
    expect(() => parsePolicy('x', 'path "a" { capabilities = ')).toThrow(/failed to parse/);
  });
});
