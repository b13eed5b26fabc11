import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

const require = createRequire(import.meta.url);
const nodeVault = require('node-vault') as (options: Record<string, unknown>) => any;

describe('the unmodified node-vault client', () => {
  let v: TestVault;
  let client: any;
  beforeAll(async () => {
    v = await startVault({ init: false });
    client = nodeVault({ apiVersion: 'v1', endpoint: v.url });
  });
  afterAll(async () => {
    await v.close();
  });

  it('initialises and unseals', async () => {
    expect((await client.initialized()).initialized).toBe(false);
    const init = await client.init({ secret_shares: 3, secret_threshold: 2 });
    expect(init.keys).toHaveLength(3);
    client.token = init.root_token;
    let status = await client.status();
    expect(status.sealed).toBe(true);
    await client.unseal({ key: init.keys[0] });
    status = await client.unseal({ key: init.keys_base64[2] });
    expect(status.sealed).toBe(false);
    const health = await client.health();
    expect(health.initialized).toBe(true);
  });

  it('manages mounts and KV v1 secrets', async () => {
    await client.mount({ mount_point: 'kv', type: 'kv', description: 'v1 store' });
    const mounts = await client.mounts();
    expect(mounts.data['kv/'].type).toBe('kv');
    await client.write('kv/app/db', { password: 'p1' });
    await client.write('kv/app/api', { key: 'k1' });
    expect((await client.read('kv/app/db')).data).toEqual({ password: 'p1' });
    expect((await client.list('kv/app')).data.keys).toEqual(['api', 'db']);
    await client.delete('kv/app/db');
    await expect(client.read('kv/app/db')).rejects.toMatchObject({ response: { statusCode: 404 } });
  });

  it('reads, writes, lists and deletes KV v2 secrets', async () => {
    await client.mount({ mount_point: 'secret', type: 'kv', options: { version: '2' } });
    const written = await client.write('secret/data/team/one', { data: { a: 1 } });
    expect(written.data.version).toBe(1);
    await client.write('secret/data/team/one', { data: { a: 2 }, options: { cas: 1 } });
    await client.write('secret/data/team/two', { data: { b: 1 } });
    const read = await client.read('secret/data/team/one');
    expect(read.data.data).toEqual({ a: 2 });
    expect(read.data.metadata.version).toBe(2);
    expect((await client.list('secret/metadata/team')).data.keys).toEqual(['one', 'two']);
    await expect(client.write('secret/data/team/one', { data: { a: 3 }, options: { cas: 1 } })).rejects.toMatchObject({
      response: { statusCode: 400 },
    });
    await client.delete('secret/metadata/team/two');
    expect((await client.list('secret/metadata/team')).data.keys).toEqual(['one']);
  });

  it('manages policies', async () => {
    await client.addPolicy({ name: 'team-read', rules: 'path "secret/data/team/*" { capabilities = ["read"] }' });
    const policies = await client.policies();
    expect(policies.policies).toContain('team-read');
    const policy = await client.getPolicy({ name: 'team-read' });
    expect(policy.rules).toMatch(/secret\/data\/team/);
    await client.addPolicy({ name: 'temp', rules: 'path "x" { capabilities = ["read"] }' });
    await client.removePolicy({ name: 'temp' });
    expect((await client.policies()).policies).not.toContain('temp');
  });

  it('logs in with userpass', async () => {
    await client.enableAuth({ mount_point: 'userpass', type: 'userpass' });
    await client.write('auth/userpass/users/dana', { password: 'secret-pw', policies: 'team-read' });
    const user = nodeVault({ apiVersion: 'v1', endpoint: v.url });
    const login = await user.userpassLogin({ username: 'dana', password: 'secret-pw' });
    expect(login.auth.policies).toEqual(['default', 'team-read']);
    expect(user.token).toBe(login.auth.client_token);
    expect((await user.read('secret/data/team/one')).data.data).toEqual({ a: 2 });
    await expect(user.write('secret/data/team/one', { data: {} })).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    const self = await user.tokenLookupSelf();
    expect(self.data.display_name).toBe('userpass-dana');
    await expect(
      nodeVault({ apiVersion: 'v1', endpoint: v.url }).userpassLogin({ username: 'dana', password: 'nope' }),
    ).rejects.toMatchObject({ response: { statusCode: 400 } });
  });

  it('logs in with approle', async () => {
    await client.enableAuth({ mount_point: 'approle', type: 'approle' });
    await client.addApproleRole({ role_name: 'svc', policies: 'team-read', token_ttl: 600 });
    expect((await client.approleRoles()).data.keys).toEqual(['svc']);
    const roleId = (await client.getApproleRoleId({ role_name: 'svc' })).data.role_id;
    const secretId = (await client.getApproleRoleSecret({ role_name: 'svc' })).data.secret_id;
    const app = nodeVault({ apiVersion: 'v1', endpoint: v.url });
    const login = await app.approleLogin({ role_id: roleId, secret_id: secretId });
    expect(login.auth.lease_duration).toBe(600);
    expect(app.token).toBe(login.auth.client_token);
    expect((await app.read('secret/data/team/one')).data.data).toEqual({ a: 2 });
  });

  it('creates, renews and revokes tokens', async () => {
    const root = client.token;
    const created = await client.tokenCreate({ policies: ['team-read'], ttl: '1h' });
    const token = created.auth.client_token;
    // node-vault adopts tokens returned by create and renew as its own: switch back to root each time.
    expect(client.token).toBe(token);
    client.token = root;
    const lookup = await client.tokenLookup({ token });
    expect(lookup.data.policies).toEqual(['default', 'team-read']);
    const renewed = await client.tokenRenew({ token, increment: '2h' });
    expect(renewed.auth.lease_duration).toBe(7200);
    client.token = root;
    await client.tokenRevoke({ token });
    await expect(client.tokenLookup({ token })).rejects.toMatchObject({ response: { statusCode: 403 } });
  });

  it('seals', async () => {
    await client.seal();
    expect((await client.status()).sealed).toBe(true);
    await expect(client.read('secret/data/team/one')).rejects.toMatchObject({ response: { statusCode: 503 } });
  });
});
