import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('auth methods', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv' } });
    await v.call('POST', 'secret/shared', { token: t, body: { v: 'shared' } });
    await v.call('PUT', 'sys/policy/app', {
      token: t,
      body: { policy: 'path "secret/*" { capabilities = ["read"] }' },
    });
  });
  afterAll(async () => {
    await v.close();
  });

  it('enables, lists and disables auth methods (sudo required)', async () => {
    const user = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['app'] } })).body.auth
      .client_token;
    expect((await v.call('POST', 'sys/auth/userpass', { token: user, body: { type: 'userpass' } })).status).toBe(403);
    expect((await v.call('POST', 'sys/auth/userpass', { token: t, body: { type: 'userpass' } })).status).toBe(204);
    expect(
      (await v.call('POST', 'sys/auth/people', { token: t, body: { type: 'userpass', description: 'humans' } })).status,
    ).toBe(204);
    expect((await v.call('POST', 'sys/auth/approle', { token: t, body: { type: 'approle' } })).status).toBe(204);
    expect((await v.call('POST', 'sys/auth/x', { token: t, body: { type: 'ldap' } })).status).toBe(400);
    const list = await v.call('GET', 'sys/auth', { token: t });
    expect(Object.keys(list.body.data).sort()).toEqual(['approle/', 'people/', 'token/', 'userpass/']);
    expect(list.body.data['people/']).toMatchObject({ type: 'userpass', description: 'humans' });
    expect((await v.call('DELETE', 'sys/auth/token', { token: t })).status).toBe(400);
  });

  it('userpass: users, login, password change and policies', async () => {
    expect(
      (
        await v.call('POST', 'auth/userpass/users/Alice', {
          token: t,
          body: { password: 'pw1', token_policies: 'app', token_ttl: '1h' },
        })
      ).status,
    ).toBe(204);
    const user = await v.call('GET', 'auth/userpass/users/alice', { token: t });
    expect(user.body.data).toMatchObject({ token_policies: ['app'], token_ttl: 3600 });
    expect(user.body.data.password).toBeUndefined();
    expect(user.body.data.password_hash).toBeUndefined();
    expect((await v.call('GET', 'auth/userpass/users?list=true', { token: t })).body.data.keys).toEqual(['alice']);

    const login = await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'pw1' } });
    expect(login.status).toBe(200);
    expect(login.body.auth).toMatchObject({
      policies: ['app', 'default'],
      lease_duration: 3600,
      metadata: { username: 'alice' },
    });
    const token = login.body.auth.client_token;
    expect((await v.call('GET', 'secret/shared', { token })).body.data).toEqual({ v: 'shared' });
    const self = await v.call('GET', 'auth/token/lookup-self', { token });
    expect(self.body.data).toMatchObject({ display_name: 'userpass-alice', path: 'auth/userpass/login/alice' });

    expect((await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'wrong' } })).status).toBe(400);
    expect((await v.call('POST', 'auth/userpass/login/nobody', { body: { password: 'pw1' } })).status).toBe(400);

    await v.call('POST', 'auth/userpass/users/alice/password', { token: t, body: { password: 'pw2' } });
    expect((await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'pw1' } })).status).toBe(400);
    expect((await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'pw2' } })).status).toBe(200);
    await v.call('POST', 'auth/userpass/users/alice/policies', { token: t, body: { policies: ['other'] } });
    const again = await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'pw2' } });
    expect(again.body.auth.policies).toEqual(['default', 'other']);

    // A second mount of the same type is independent.
    expect((await v.call('POST', 'auth/people/login/alice', { body: { password: 'pw2' } })).status).toBe(400);

    await v.call('DELETE', 'auth/userpass/users/alice', { token: t });
    expect((await v.call('POST', 'auth/userpass/login/alice', { body: { password: 'pw2' } })).status).toBe(400);
  });

  it('tokens from a disabled auth method stop working', async () => {
    await v.call('POST', 'auth/people/users/bob', { token: t, body: { password: 'b', policies: ['app'] } });
    const token = (await v.call('POST', 'auth/people/login/bob', { body: { password: 'b' } })).body.auth.client_token;
    expect((await v.call('GET', 'secret/shared', { token })).status).toBe(200);
    await v.call('DELETE', 'sys/auth/people', { token: t });
    expect((await v.call('GET', 'secret/shared', { token })).status).toBe(403);
  });

  it('approle: role, role-id, secret-id, login', async () => {
    expect(
      (
        await v.call('POST', 'auth/approle/role/web', {
          token: t,
          body: {
            token_policies: ['app'],
            token_ttl: '20m',
            token_max_ttl: '30m',
            secret_id_num_uses: 2,
            secret_id_ttl: '10m',
          },
        })
      ).status,
    ).toBe(204);
    const role = await v.call('GET', 'auth/approle/role/web', { token: t });
    expect(role.body.data).toMatchObject({
      token_policies: ['app'],
      token_ttl: 1200,
      secret_id_num_uses: 2,
      bind_secret_id: true,
    });
    expect((await v.call('GET', 'auth/approle/role?list=true', { token: t })).body.data.keys).toEqual(['web']);
    const roleId = (await v.call('GET', 'auth/approle/role/web/role-id', { token: t })).body.data.role_id;
    const sid = await v.call('POST', 'auth/approle/role/web/secret-id', {
      token: t,
      body: { metadata: '{"host":"web1"}' },
    });
    expect(sid.body.data).toMatchObject({ secret_id_num_uses: 2, secret_id_ttl: 600 });
    const secretId = sid.body.data.secret_id;

    const login = await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
    expect(login.status).toBe(200);
    expect(login.body.auth).toMatchObject({
      policies: ['app', 'default'],
      lease_duration: 1200,
      metadata: { role_name: 'web', host: 'web1' },
    });
    expect((await v.call('GET', 'secret/shared', { token: login.body.auth.client_token })).status).toBe(200);
    expect(
      (await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } })).status,
    ).toBe(200);
    // Two uses only.
    const third = await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
    expect(third.status).toBe(400);
    expect(third.body.errors[0]).toMatch(/invalid role or secret ID/);
    expect(
      (await v.call('POST', 'auth/approle/login', { body: { role_id: 'nope', secret_id: secretId } })).status,
    ).toBe(400);
  });

  it('approle: secret-id TTL, custom secret ids, accessors and CIDR bindings', async () => {
    const roleId = (await v.call('GET', 'auth/approle/role/web/role-id', { token: t })).body.data.role_id;
    const sid = (await v.call('POST', 'auth/approle/role/web/secret-id', { token: t, body: {} })).body.data;
    v.clock.advance(600);
    expect(
      (await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: sid.secret_id } })).status,
    ).toBe(400);

    const custom = await v.call('POST', 'auth/approle/role/web/custom-secret-id', {
      token: t,
      body: { secret_id: 'my-own-secret' },
    });
    expect(custom.body.data.secret_id).toBe('my-own-secret');
    const look = await v.call('POST', 'auth/approle/role/web/secret-id-accessor/lookup', {
      token: t,
      body: { secret_id_accessor: custom.body.data.secret_id_accessor },
    });
    expect(look.body.data).toMatchObject({
      secret_id_num_uses: 2,
      secret_id_accessor: custom.body.data.secret_id_accessor,
    });
    const lookById = await v.call('POST', 'auth/approle/role/web/secret-id/lookup', {
      token: t,
      body: { secret_id: 'my-own-secret' },
    });
    expect(lookById.body.data.secret_id_accessor).toBe(custom.body.data.secret_id_accessor);
    const accessors = await v.call('GET', 'auth/approle/role/web/secret-id?list=true', { token: t });
    expect(accessors.body.data.keys).toContain(custom.body.data.secret_id_accessor);
    await v.call('POST', 'auth/approle/role/web/secret-id-accessor/destroy', {
      token: t,
      body: { secret_id_accessor: custom.body.data.secret_id_accessor },
    });
    expect(
      (await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: 'my-own-secret' } })).status,
    ).toBe(400);

    // Secret IDs bound to another network are refused; tokens bound to another network are useless.
    const bound = await v.call('POST', 'auth/approle/role/web/secret-id', {
      token: t,
      body: { cidr_list: '10.0.0.0/8' },
    });
    expect(
      (await v.call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: bound.body.data.secret_id } }))
        .status,
    ).toBe(400);
    await v.call('POST', 'auth/approle/role/boundtok', {
      token: t,
      body: { token_policies: 'app', token_bound_cidrs: ['10.1.0.0/16'], bind_secret_id: false },
    });
    const rid2 = (await v.call('GET', 'auth/approle/role/boundtok/role-id', { token: t })).body.data.role_id;
    const l2 = await v.call('POST', 'auth/approle/login', { body: { role_id: rid2 } });
    expect(l2.status).toBe(200);
    expect((await v.call('GET', 'secret/shared', { token: l2.body.auth.client_token })).status).toBe(403);
    await v.call('POST', 'auth/approle/role/local', {
      token: t,
      body: { token_policies: 'app', token_bound_cidrs: ['127.0.0.0/8'], secret_id_bound_cidrs: ['127.0.0.1/32'] },
    });
    const rid3 = (await v.call('GET', 'auth/approle/role/local/role-id', { token: t })).body.data.role_id;
    const s3 = (await v.call('POST', 'auth/approle/role/local/secret-id', { token: t, body: {} })).body.data.secret_id;
    const l3 = await v.call('POST', 'auth/approle/login', { body: { role_id: rid3, secret_id: s3 } });
    expect((await v.call('GET', 'secret/shared', { token: l3.body.auth.client_token })).status).toBe(200);

    // Custom role id, and a role with no constraint at all is refused.
    await v.call('POST', 'auth/approle/role/web/role-id', { token: t, body: { role_id: 'web-role-id' } });
    expect((await v.call('GET', 'auth/approle/role/web/role-id', { token: t })).body.data.role_id).toBe('web-role-id');
    expect(
      (await v.call('POST', 'auth/approle/role/loose', { token: t, body: { bind_secret_id: false } })).status,
    ).toBe(400);
    expect((await v.call('DELETE', 'auth/approle/role/web', { token: t })).status).toBe(204);
    expect((await v.call('GET', 'auth/approle/role/web', { token: t })).status).toBe(404);
  });
});
