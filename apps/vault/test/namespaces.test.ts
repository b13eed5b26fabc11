import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('namespaces', () => {
  let v: TestVault;
  let t: string;
  const ns = (name: string) => ({ 'X-Vault-Namespace': name });
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
  });
  afterAll(async () => {
    await v.close();
  });

  it('creates, lists, reads and patches namespaces', async () => {
    const created = await v.call('POST', 'sys/namespaces/ns1', { token: t, body: { custom_metadata: { team: 'a' } } });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ path: 'ns1/', custom_metadata: { team: 'a' } });
    await v.call('POST', 'sys/namespaces/ns2', { token: t });
    const child = await v.call('POST', 'sys/namespaces/child', { token: t, headers: ns('ns1') });
    expect(child.body.data.path).toBe('ns1/child/');
    const list = await v.call('GET', 'sys/namespaces?list=true', { token: t });
    expect(list.body.data.keys).toEqual(['ns1/', 'ns2/']);
    expect(list.body.data.key_info['ns1/'].id).toBe(created.body.data.id);
    expect((await v.call('GET', 'sys/namespaces/ns1', { token: t })).body.data.id).toBe(created.body.data.id);
    await v.call('PATCH', 'sys/namespaces/ns1', { token: t, body: { custom_metadata: { env: 'x', team: null } } });
    expect((await v.call('GET', 'sys/namespaces/ns1', { token: t })).body.data.custom_metadata).toEqual({ env: 'x' });
    expect((await v.call('POST', 'sys/namespaces/sys', { token: t })).status).toBe(400);
    expect((await v.call('GET', 'secret/x', { token: t, headers: ns('missing') })).status).toBe(404);
  });

  it('isolates mounts, policies and tokens', async () => {
    // Same mount path, different data, in root and in ns1 (by header and by path prefix).
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv' } });
    await v.call('POST', 'sys/mounts/secret', { token: t, headers: ns('ns1'), body: { type: 'kv' } });
    await v.call('POST', 'ns2/sys/mounts/secret', { token: t, body: { type: 'kv' } });
    await v.call('PUT', 'secret/where', { token: t, body: { ns: 'root' } });
    await v.call('PUT', 'ns1/secret/where', { token: t, body: { ns: 'ns1' } });
    await v.call('PUT', 'secret/where', { token: t, headers: ns('ns2'), body: { ns: 'ns2' } });
    expect((await v.call('GET', 'secret/where', { token: t })).body.data.ns).toBe('root');
    expect((await v.call('GET', 'secret/where', { token: t, headers: ns('ns1') })).body.data.ns).toBe('ns1');
    expect((await v.call('GET', 'ns2/secret/where', { token: t })).body.data.ns).toBe('ns2');
    const mounts = await v.call('GET', 'sys/mounts', { token: t, headers: ns('ns1') });
    expect(Object.keys(mounts.body.data).sort()).toEqual(['cubbyhole/', 'secret/', 'sys/']);

    // A policy named "reader" in ns1 grants nothing in root, and root's policy list does not show it.
    await v.call('PUT', 'sys/policy/reader', {
      token: t,
      headers: ns('ns1'),
      body: { policy: 'path "secret/*" { capabilities = ["read", "create", "update"] }' },
    });
    expect((await v.call('GET', 'sys/policy', { token: t })).body.data.keys).not.toContain('reader');
    expect((await v.call('GET', 'sys/policy', { token: t, headers: ns('ns1') })).body.data.keys).toContain('reader');

    // A token made in ns1 works in ns1 and nowhere else.
    const created = await v.call('POST', 'auth/token/create', {
      token: t,
      headers: ns('ns1'),
      body: { policies: ['reader'] },
    });
    const nsToken = created.body.auth.client_token as string;
    expect(nsToken).toMatch(/^hvs\.[A-Za-z0-9]+\.[A-Za-z0-9]+$/);
    expect((await v.call('GET', 'secret/where', { token: nsToken, headers: ns('ns1') })).body.data.ns).toBe('ns1');
    expect((await v.call('GET', 'ns1/secret/where', { token: nsToken })).status).toBe(200);
    for (const [path, headers] of [
      ['secret/where', {}],
      ['secret/where', ns('ns2')],
      ['ns2/secret/where', {}],
      ['sys/mounts', {}],
      ['auth/token/lookup-self', {}],
    ] as const) {
      const res = await v.call('GET', path, { token: nsToken, headers });
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
    }
    expect((await v.call('PUT', 'secret/where', { token: nsToken, headers: ns('ns2'), body: { x: 1 } })).status).toBe(
      403,
    );
    // Lookup-self works in its own namespace.
    const self = await v.call('GET', 'auth/token/lookup-self', { token: nsToken, headers: ns('ns1') });
    expect(self.body.data.policies).toEqual(['default', 'reader']);
    // Header and path prefix combine: header ns1 + path child/... is ns1/child.
    await v.call('POST', 'sys/mounts/kv', { token: t, headers: ns('ns1/child'), body: { type: 'kv' } });
    await v.call('PUT', 'child/kv/deep', { token: t, headers: ns('ns1'), body: { ns: 'ns1/child' } });
    expect((await v.call('GET', 'ns1/child/kv/deep', { token: t })).body.data.ns).toBe('ns1/child');
    expect((await v.call('GET', 'kv/deep', { token: t, headers: ns('ns1/child') })).body.data.ns).toBe('ns1/child');
    // In ns1/child the ns1 token's policies apply to "child/..." paths, which "secret/*" does not match.
    expect((await v.call('GET', 'secret/where', { token: nsToken, headers: ns('ns1/child') })).status).toBe(403);
  });

  it('auth methods are per namespace', async () => {
    await v.call('POST', 'sys/auth/userpass', { token: t, headers: ns('ns1'), body: { type: 'userpass' } });
    await v.call('POST', 'auth/userpass/users/carol', {
      token: t,
      headers: ns('ns1'),
      body: { password: 'c', policies: 'reader' },
    });
    expect((await v.call('POST', 'auth/userpass/login/carol', { body: { password: 'c' } })).status).toBe(403);
    const login = await v.call('POST', 'ns1/auth/userpass/login/carol', { body: { password: 'c' } });
    expect(login.status).toBe(200);
    const tok = login.body.auth.client_token;
    expect((await v.call('GET', 'ns1/secret/where', { token: tok })).status).toBe(200);
    expect((await v.call('GET', 'secret/where', { token: tok })).status).toBe(403);
  });

  it('deleting a namespace removes it and invalidates its tokens', async () => {
    expect((await v.call('DELETE', 'sys/namespaces/ns1', { token: t })).status).toBe(400);
    const created = await v.call('POST', 'auth/token/create', { token: t, headers: ns('ns2'), body: {} });
    const tok = created.body.auth.client_token;
    expect((await v.call('GET', 'auth/token/lookup-self', { token: tok, headers: ns('ns2') })).status).toBe(200);
    expect((await v.call('DELETE', 'sys/namespaces/ns2', { token: t })).status).toBe(204);
    expect((await v.call('GET', 'sys/namespaces/ns2', { token: t })).status).toBe(404);
    expect((await v.call('GET', 'auth/token/lookup-self', { token: tok })).status).toBe(403);
    // Re-created namespace starts empty.
    await v.call('POST', 'sys/namespaces/ns2', { token: t });
    expect((await v.call('GET', 'ns2/secret/where', { token: t })).status).toBe(404);
  });
});
