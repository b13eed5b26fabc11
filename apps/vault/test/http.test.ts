import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVaultApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { startVault, type TestVault } from './helpers.js';

function raw(url: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    import('node:net').then(({ connect }) => {
      const socket = connect(Number(u.port), u.hostname, () => socket.write(text));
      let out = '';
      socket.on('data', (d) => {
        out += d.toString();
      });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
  });
}

describe('HTTP behaviour', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/kv', { token: t, body: { type: 'kv' } });
  });
  afterAll(async () => {
    await v.close();
  });

  it('answers bad JSON with 400 and Vault errors', async () => {
    const res = await v.call('POST', 'kv/x', { token: t, body: '{"broken":' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/failed to parse JSON input/);
    const arr = await v.call('POST', 'kv/x', { token: t, body: '[1,2]' });
    expect(arr.status).toBe(400);
  });

  it('reads JSON whatever the content type', async () => {
    const res = await v.call('POST', 'kv/ct', {
      token: t,
      body: '{"a":"b"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(204);
    expect((await v.call('GET', 'kv/ct', { token: t })).body.data).toEqual({ a: 'b' });
  });

  it('unknown paths and methods', async () => {
    const noMount = await v.call('GET', 'nothing/here', { token: t });
    expect(noMount.status).toBe(404);
    expect(noMount.body.errors[0]).toMatch(/no handler for route/);
    const sysUnknown = await v.call('GET', 'sys/not-a-thing', { token: t });
    expect(sysUnknown.status).toBe(404);
    expect(sysUnknown.body.errors[0]).toMatch(/unsupported path/);
    const wrongMethod = await v.call('DELETE', 'sys/policy', { token: t });
    expect(wrongMethod.status).toBe(405);
    expect((await v.call('DELETE', 'sys/init')).status).toBe(405);
    expect((await v.call('OPTIONS', 'kv/x', { token: t })).status).toBe(405);
    const outside = await fetch(`${v.url}/not-api`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ errors: [] });
    // Without a token, unknown paths are simply denied.
    expect((await v.call('GET', 'nothing/here')).status).toBe(403);
  });

  it('accepts the LIST method, also on a kept-alive connection', async () => {
    await v.call('PUT', 'kv/list/a', { token: t, body: { a: 1 } });
    const text = await raw(
      v.url,
      `PUT /v1/kv/list/b HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${t}\r\nContent-Length: 7\r\n\r\n{"b":1}` +
        `LIST /v1/kv/list HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${t}\r\nConnection: close\r\n\r\n`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 204/);
    // Pipelined: the LIST may be handled before the PUT completes, so only "a" is certain.
    expect(text).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"keys":\["a"/);
  });

  it('responds 204 without a body when there is no data', async () => {
    const res = await fetch(`${v.url}/v1/kv/empty204`, {
      method: 'PUT',
      headers: { 'X-Vault-Token': t },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('returns 500 with a generic message when storage fails, and never crashes', async () => {
    const storage = new MemoryStorage();
    const app = buildVaultApp({ port: 0, host: '127.0.0.1', storagePath: 'unused' }, { storage });
    const init = await app.inject({
      method: 'PUT',
      url: '/v1/sys/init',
      payload: { secret_shares: 1, secret_threshold: 1 },
    });
    const { keys, root_token: root } = init.json();
    await app.inject({ method: 'PUT', url: '/v1/sys/unseal', payload: { key: keys[0] } });
    await app.inject({
      method: 'POST',
      url: '/v1/sys/mounts/kv',
      headers: { 'x-vault-token': root },
      payload: { type: 'kv' },
    });
    storage.put = async () => {
      throw new Error('disk full');
    };
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/kv/x',
      headers: { 'x-vault-token': root },
      payload: { a: 1 },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ errors: ['internal error'] });
    const still = await app.inject({ method: 'GET', url: '/v1/sys/health' });
    expect(still.statusCode).toBe(200);
    await app.close();
  });

  it('works through app.inject() too', async () => {
    const app = buildVaultApp({ port: 0, host: '127.0.0.1', storagePath: 'unused' }, { storage: new MemoryStorage() });
    const res = await app.inject({ method: 'GET', url: '/v1/sys/seal-status' });
    expect(res.json()).toMatchObject({ initialized: false, sealed: true, storage_type: 'inmem' });
    await app.close();
  });

  it('answers plain node:http clients', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${v.url}/v1/sys/health`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe('configuration', () => {
  it('has defaults', () => {
    expect(loadConfig({})).toEqual({ port: 8200, host: '127.0.0.1', storagePath: '.data/vault' });
  });

  it('reads every setting', () => {
    expect(
      loadConfig({
        VAULT_PORT: '9200',
        VAULT_HOST: '0.0.0.0',
        VAULT_STORAGE_PATH: '/tmp/v',
        VAULT_DATABASE_URL: 'postgres://u@h/db',
        VAULT_AUDIT_FILE: '/tmp/audit.log',
      }),
    ).toEqual({
      port: 9200,
      host: '0.0.0.0',
      storagePath: '/tmp/v',
      databaseUrl: 'postgres://u@h/db',
      auditFile: '/tmp/audit.log',
    });
  });

  it('names the bad setting', () => {
    expect(() => loadConfig({ VAULT_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ VAULT_PORT: '70000' })).toThrow(/VAULT_PORT/);
    expect(() => loadConfig({ VAULT_DATABASE_URL: 'mysql://x' })).toThrow(/VAULT_DATABASE_URL/);
  });
});
