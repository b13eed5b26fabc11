import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('policy management over HTTP', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv' } });
  });
  afterAll(async () => {
    await v.close();
  });

  it('CRUD through sys/policies/acl and sys/policy', async () => {
    const hcl = 'path "secret/team/*" {\n  capabilities = ["create", "read", "update", "list"]\n}\n';
    expect((await v.call('PUT', 'sys/policies/acl/Team', { token: t, body: { policy: hcl } })).status).toBe(204);
    const read = await v.call('GET', 'sys/policies/acl/team', { token: t });
    expect(read.body.data).toEqual({ name: 'team', policy: hcl });
    const legacy = await v.call('GET', 'sys/policy/team', { token: t });
    expect(legacy.body).toMatchObject({ name: 'team', rules: hcl });
    const list = await v.call('GET', 'sys/policies/acl?list=true', { token: t });
    expect(list.body.data.keys).toEqual(['default', 'root', 'team']);
    const legacyList = await v.call('GET', 'sys/policy', { token: t });
    expect(legacyList.body.policies).toEqual(['default', 'root', 'team']);

    const json = JSON.stringify({ path: { 'secret/json/*': { capabilities: ['read'] } } });
    expect((await v.call('PUT', 'sys/policy/jsonpol', { token: t, body: { policy: json } })).status).toBe(204);
    const b64 = Buffer.from('path "secret/b64" { capabilities = ["read"] }').toString('base64');
    expect((await v.call('PUT', 'sys/policies/acl/b64', { token: t, body: { policy: b64 } })).status).toBe(204);
    expect((await v.call('GET', 'sys/policies/acl/b64', { token: t })).body.data.policy).toMatch(/secret\/b64/);

    const bad = await v.call('PUT', 'sys/policies/acl/broken', {
      token: t,
      body: { policy: 'path "x" { capabilities = ["fly"] }' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/invalid capability/);
    expect((await v.call('PUT', 'sys/policies/acl/broken', { token: t, body: { policy: 'path {' } })).status).toBe(400);
    expect((await v.call('PUT', 'sys/policies/acl/root', { token: t, body: { policy: hcl } })).status).toBe(400);
    expect((await v.call('DELETE', 'sys/policies/acl/default', { token: t })).status).toBe(400);
    expect((await v.call('DELETE', 'sys/policies/acl/jsonpol', { token: t })).status).toBe(204);
    expect((await v.call('GET', 'sys/policies/acl/jsonpol', { token: t })).status).toBe(404);
  });

  it('policy changes take effect on existing tokens', async () => {
    await v.call('PUT', 'sys/policy/dyn', {
      token: t,
      body: { policy: 'path "secret/dyn" { capabilities = ["read"] }' },
    });
    await v.call('PUT', 'secret/dyn', { token: t, body: { a: 1 } });
    const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['dyn'] } })).body.auth
      .client_token;
    expect((await v.call('GET', 'secret/dyn', { token: tok })).status).toBe(200);
    await v.call('PUT', 'sys/policy/dyn', {
      token: t,
      body: { policy: 'path "secret/dyn" { capabilities = ["deny"] }' },
    });
    expect((await v.call('GET', 'secret/dyn', { token: tok })).status).toBe(403);
    await v.call('DELETE', 'sys/policy/dyn', { token: t });
    expect((await v.call('GET', 'secret/dyn', { token: tok })).status).toBe(403);
  });

  it('capabilities-self and capabilities report the winning rule', async () => {
    await v.call('PUT', 'sys/policy/caps', {
      token: t,
      body: {
        policy: `
          path "secret/*" { capabilities = ["read", "list"] }
          path "secret/admin/*" { capabilities = ["deny"] }
          path "secret/+/owned" { capabilities = ["create", "update", "read"] }
        `,
      },
    });
    const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['caps'] } })).body.auth
      .client_token;
    const self = await v.call('POST', 'sys/capabilities-self', {
      token: tok,
      body: { paths: ['secret/x', 'secret/admin/y', 'secret/team/owned', 'sys/mounts'] },
    });
    expect(self.status).toBe(200);
    expect(self.body.data).toMatchObject({
      'secret/x': ['list', 'read'],
      'secret/admin/y': ['deny'],
      'secret/team/owned': ['create', 'read', 'update'],
      'sys/mounts': ['deny'],
    });
    const single = await v.call('POST', 'sys/capabilities-self', { token: tok, body: { path: 'secret/x' } });
    expect(single.body.capabilities).toEqual(['list', 'read']);
    const other = await v.call('POST', 'sys/capabilities', { token: t, body: { token: tok, path: 'secret/admin/z' } });
    expect(other.body.data.capabilities).toEqual(['deny']);
    const rootCaps = await v.call('POST', 'sys/capabilities-self', { token: t, body: { path: 'anything' } });
    expect(rootCaps.body.data.capabilities).toEqual(['root']);
    // The default policy lets any token ask about itself but not about others.
    expect((await v.call('POST', 'sys/capabilities', { token: tok, body: { token: t, path: 'x' } })).status).toBe(403);
  });

  it('sudo-protected endpoints need a sudo capability', async () => {
    await v.call('PUT', 'sys/policy/auditor', {
      token: t,
      body: { policy: 'path "sys/audit" { capabilities = ["read"] }\npath "sys/rotate" { capabilities = ["update"] }' },
    });
    await v.call('PUT', 'sys/policy/auditor-sudo', {
      token: t,
      body: { policy: 'path "sys/audit" { capabilities = ["read", "sudo"] }' },
    });
    const plain = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['auditor'] } })).body.auth
      .client_token;
    const sudo = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['auditor-sudo'] } })).body
      .auth.client_token;
    expect((await v.call('GET', 'sys/audit', { token: plain })).status).toBe(403);
    expect((await v.call('POST', 'sys/rotate', { token: plain })).status).toBe(403);
    expect((await v.call('GET', 'sys/audit', { token: sudo })).status).toBe(200);
  });
});
