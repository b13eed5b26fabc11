import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVaultApp } from '../../../../vault/src/app';
import { createTestApp, type TestApp } from '../../../test/test-app';
import { vaultPathOf } from './vault-proxy';

type VaultApp = ReturnType<typeof buildVaultApp>;

describe('the vault proxy at /vault/v1', () => {
  let vault: VaultApp;
  let storage: string;
  let meridian: TestApp;
  let rootToken = '';

  const call = (method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE', path: string, init: CallInit = {}) =>
    meridian.app.inject({
      method,
      url: `/vault/v1/${path}`,
      headers: {
        ...(init.token ? { 'x-vault-token': init.token } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { payload: JSON.stringify(init.body) } : {}),
    });

  beforeAll(async () => {
    storage = mkdtempSync(join(tmpdir(), 'meridian-vault-proxy-'));
    vault = buildVaultApp({ port: 0, host: '127.0.0.1', storagePath: storage });
    await vault.listen({ port: 0, host: '127.0.0.1' });
    const address = vault.server.address();
    if (!address || typeof address === 'string') throw new Error('the vault has no address');
    meridian = await createTestApp({ vaultAddr: `http://127.0.0.1:${address.port}` });
  });

  afterAll(async () => {
    await meridian?.close();
    await vault?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  it('initialises and unseals the vault, passing its answers and status codes through', async () => {
    const before = await call('GET', 'sys/seal-status');
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ initialized: false, sealed: true });

    const init = await call('PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } });
    expect(init.statusCode).toBe(200);
    const { keys, root_token } = init.json() as { keys: string[]; root_token: string };
    expect(keys).toHaveLength(3);
    rootToken = root_token;

    // Sealed: the vault's own 503 and error envelope reach the caller unchanged.
    const sealed = await call('GET', 'sys/mounts', { token: rootToken });
    expect(sealed.statusCode).toBe(503);
    expect(sealed.json()).toEqual({ errors: ['Vault is sealed'] });

    const first = await call('PUT', 'sys/unseal', { body: { key: keys[0] } });
    expect(first.json()).toMatchObject({ sealed: true, progress: 1, t: 2 });
    const second = await call('PUT', 'sys/unseal', { body: { key: keys[2] } });
    expect(second.json()).toMatchObject({ sealed: false, progress: 0 });

    const health = await call('HEAD', 'sys/health');
    expect(health.statusCode).toBe(200);
  });

  it('forwards X-Vault-Token, so the vault decides what each caller may do', async () => {
    const mount = await call('POST', 'sys/mounts/secret', { token: rootToken, body: { type: 'kv-v2' } });
    expect(mount.statusCode).toBe(204);
    const write = await call('POST', 'secret/data/clinic/smtp', {
      token: rootToken,
      body: { data: { password: 'correct horse' } },
    });
    expect(write.statusCode).toBe(200);
    expect(write.json().data.version).toBe(1);

    const read = await call('GET', 'secret/data/clinic/smtp?version=1', { token: rootToken });
    expect(read.statusCode).toBe(200);
    expect(read.json().data.data).toEqual({ password: 'correct horse' });
    expect(read.headers['content-type']).toContain('application/json');

    const anonymous = await call('GET', 'secret/data/clinic/smtp');
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.json().errors).toEqual(['permission denied']);
  });

  it('passes the query string, so listings work through GET ?list=true', async () => {
    const list = await call('GET', 'secret/metadata/clinic?list=true', { token: rootToken });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.keys).toEqual(['smtp']);
  });

  it('forwards X-Vault-Namespace', async () => {
    expect((await call('POST', 'sys/namespaces/ward', { token: rootToken })).statusCode).toBe(200);
    const inWard = { 'x-vault-namespace': 'ward' };
    const mounted = await call('POST', 'sys/mounts/kv', {
      token: rootToken,
      headers: inWard,
      body: { type: 'kv', options: { version: '1' } },
    });
    expect(mounted.statusCode).toBe(204);
    await call('POST', 'kv/printer', { token: rootToken, headers: inWard, body: { pin: '4321' } });
    expect((await call('GET', 'kv/printer', { token: rootToken, headers: inWard })).json().data).toEqual({
      pin: '4321',
    });
    // Without the header the same path is the root namespace's, where no kv/ is mounted.
    expect((await call('GET', 'kv/printer', { token: rootToken })).statusCode).toBe(404);
  });

  it('forwards X-Vault-Wrap-TTL', async () => {
    const wrapped = await call('GET', 'secret/data/clinic/smtp', {
      token: rootToken,
      headers: { 'x-vault-wrap-ttl': '60s' },
    });
    expect(wrapped.statusCode).toBe(200);
    const body = wrapped.json();
    expect(body.data).toBeNull();
    expect(body.wrap_info.ttl).toBe(60);
    const unwrapped = await call('POST', 'sys/wrapping/unwrap', { token: body.wrap_info.token });
    expect(unwrapped.json().data.data).toEqual({ password: 'correct horse' });
  });

  it("never passes Meridian's own credentials to the vault", async () => {
    // The vault accepts a bearer token as its token: were Authorization forwarded, this would succeed.
    const response = await call('GET', 'secret/data/clinic/smtp', {
      headers: { authorization: `Bearer ${rootToken}`, cookie: `meridian_session=${rootToken}` },
    });
    expect(response.statusCode).toBe(403);
  });

  it('passes bodies the vault reads as JSON whatever their content type', async () => {
    const response = await meridian.app.inject({
      method: 'POST',
      url: '/vault/v1/secret/data/clinic/fax',
      headers: { 'x-vault-token': rootToken, 'content-type': 'text/plain' },
      payload: JSON.stringify({ data: { number: '+44 20 7946 0000' } }),
    });
    expect(response.statusCode).toBe(200);
    const read = await call('GET', 'secret/data/clinic/fax', { token: rootToken });
    expect(read.json().data.data).toEqual({ number: '+44 20 7946 0000' });
  });

  it('refuses paths that would leave /v1/', async () => {
    expect((await call('GET', '..%2F..%2Fetc/passwd')).statusCode).toBe(404);
    expect(vaultPathOf('/vault/v1/secret/../../x')).toBeUndefined();
    expect(vaultPathOf('/vault/v1/secret/data/a?version=2')).toBe('/v1/secret/data/a');
    expect(vaultPathOf('/vaultx/v1/a')).toBeUndefined();
  });
});

describe('the vault proxy with no vault listening', () => {
  let meridian: TestApp;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
    meridian = await createTestApp({ vaultAddr: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await meridian?.close();
  });

  it('answers a 502 problem that says the vault does not answer', async () => {
    const response = await meridian.app.inject({
      method: 'GET',
      url: '/vault/v1/sys/seal-status',
      headers: { 'x-vault-token': 's.secret-token' },
    });
    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem.code).toBe('VAULT_UNAVAILABLE');
    expect(problem.detail).toMatch(/Meridian Vault does not answer/);
    expect(problem.requestId).toBe(response.headers['x-request-id']);
    expect(JSON.stringify(problem)).not.toContain('s.secret-token');
  });
});

interface CallInit {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}
