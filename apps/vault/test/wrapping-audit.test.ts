import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('response wrapping', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv-v2' } });
    await v.call('POST', 'secret/data/wrapped', { token: t, body: { data: { password: 'hunter2' } } });
  });
  afterAll(async () => {
    await v.close();
  });

  it('wraps a read and unwraps it exactly once', async () => {
    const wrapped = await v.call('GET', 'secret/data/wrapped', { token: t, headers: { 'X-Vault-Wrap-TTL': '5m' } });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body.data).toBeNull();
    const info = wrapped.body.wrap_info;
    expect(info).toMatchObject({ ttl: 300, creation_path: 'secret/data/wrapped' });
    expect(info.token).toMatch(/^hvs\./);

    const lookup = await v.call('POST', 'sys/wrapping/lookup', { body: { token: info.token } });
    expect(lookup.body.data).toMatchObject({ creation_path: 'secret/data/wrapped', creation_ttl: 300 });

    // The wrapping token can do nothing but unwrap.
    expect((await v.call('GET', 'secret/data/wrapped', { token: info.token })).status).toBe(403);
    const unwrapped = await v.call('POST', 'sys/wrapping/unwrap', { token: info.token });
    expect(unwrapped.status).toBe(200);
    expect(unwrapped.body.data.data).toEqual({ password: 'hunter2' });
    expect((await v.call('POST', 'sys/wrapping/unwrap', { token: info.token })).status).toBe(403);
    expect((await v.call('POST', 'sys/wrapping/lookup', { body: { token: info.token } })).status).toBe(400);
  });

  it('unwraps with the token in the body, expires on time, and wraps arbitrary data', async () => {
    const wrapped = await v.call('POST', 'sys/wrapping/wrap', {
      token: t,
      headers: { 'X-Vault-Wrap-TTL': '60' },
      body: { a: 'b' },
    });
    const wrapToken = wrapped.body.wrap_info.token;
    const other = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['default'] } })).body.auth
      .client_token;
    const un = await v.call('POST', 'sys/wrapping/unwrap', { token: other, body: { token: wrapToken } });
    expect(un.body.data).toEqual({ a: 'b' });
    expect((await v.call('POST', 'sys/wrapping/unwrap', { token: other, body: { token: wrapToken } })).status).toBe(
      400,
    );

    const short = await v.call('POST', 'sys/wrapping/wrap', {
      token: t,
      headers: { 'X-Vault-Wrap-TTL': '10s' },
      body: { x: 1 },
    });
    v.clock.advance(10);
    expect((await v.call('POST', 'sys/wrapping/unwrap', { token: short.body.wrap_info.token })).status).toBe(403);
    expect((await v.call('POST', 'sys/wrapping/wrap', { token: t, body: { x: 1 } })).status).toBe(400);
  });

  it('enforces min_wrapping_ttl and max_wrapping_ttl from policies', async () => {
    await v.call('PUT', 'sys/policy/wrapped-only', {
      token: t,
      body: {
        policy:
          'path "secret/data/wrapped" {\n capabilities = ["read"]\n min_wrapping_ttl = "1m"\n max_wrapping_ttl = "10m"\n}',
      },
    });
    const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['wrapped-only'] } })).body
      .auth.client_token;
    expect((await v.call('GET', 'secret/data/wrapped', { token: tok })).status).toBe(400);
    const low = await v.call('GET', 'secret/data/wrapped', { token: tok, headers: { 'X-Vault-Wrap-TTL': '30s' } });
    expect(low.body.errors[0]).toMatch(/lower than the minimum/);
    const high = await v.call('GET', 'secret/data/wrapped', { token: tok, headers: { 'X-Vault-Wrap-TTL': '1h' } });
    expect(high.body.errors[0]).toMatch(/higher than the maximum/);
    const ok = await v.call('GET', 'secret/data/wrapped', { token: tok, headers: { 'X-Vault-Wrap-TTL': '5m' } });
    expect(ok.body.wrap_info.ttl).toBe(300);
  });

  it('wraps tokens and approle secret ids', async () => {
    const created = await v.call('POST', 'auth/token/create', {
      token: t,
      headers: { 'X-Vault-Wrap-TTL': '1m' },
      body: {},
    });
    expect(created.body.auth).toBeNull();
    expect(created.body.wrap_info.wrapped_accessor).toBeTruthy();
    const un = await v.call('POST', 'sys/wrapping/unwrap', { token: created.body.wrap_info.token });
    expect(un.body.auth.accessor).toBe(created.body.wrap_info.wrapped_accessor);
    const tok = un.body.auth.client_token;
    expect((await v.call('GET', 'auth/token/lookup-self', { token: tok })).status).toBe(200);

    await v.call('POST', 'sys/auth/approle', { token: t, body: { type: 'approle' } });
    await v.call('POST', 'auth/approle/role/w', { token: t, body: { token_policies: 'default' } });
    const sid = await v.call('POST', 'auth/approle/role/w/secret-id', {
      token: t,
      headers: { 'X-Vault-Wrap-TTL': '1m' },
    });
    const unSid = await v.call('POST', 'sys/wrapping/unwrap', { token: sid.body.wrap_info.token });
    expect(unSid.body.data.secret_id).toBeTruthy();
  });
});

describe('file audit device', () => {
  let v: TestVault;
  let t: string;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-vault-audit-'));
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv' } });
  });
  afterAll(async () => {
    await v.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('enables, writes HMAC-ed request and response lines, lists and disables', async () => {
    const file = join(dir, 'audit.log');
    expect(
      (await v.call('PUT', 'sys/audit/file', { token: t, body: { type: 'file', options: { file_path: file } } }))
        .status,
    ).toBe(204);
    const list = await v.call('GET', 'sys/audit', { token: t });
    expect(list.body.data['file/']).toMatchObject({ type: 'file', options: { file_path: file } });

    await v.call('PUT', 'secret/audited', { token: t, body: { password: 'very-secret-value', n: 7 } });
    const read = await v.call('GET', 'secret/audited', { token: t });
    expect(read.body.data.password).toBe('very-secret-value');

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('very-secret-value');
    expect(text).not.toContain(t);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const writeReq = lines.find(
      (l) => l.type === 'request' && l.request.path === 'secret/audited' && l.request.operation === 'create',
    );
    expect(writeReq.request.data.password).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(writeReq.request.data.n).toBe(7);
    expect(writeReq.request.client_token).toMatch(/^hmac-sha256:/);
    expect(writeReq.auth.client_token).toMatch(/^hmac-sha256:/);
    expect(writeReq.auth.policies).toEqual(['root']);
    const readResp = lines.find(
      (l) => l.type === 'response' && l.request.path === 'secret/audited' && l.request.operation === 'read',
    );
    expect(readResp.response.data.password).toMatch(/^hmac-sha256:/);

    // sys/audit-hash gives the same HMAC.
    const hash = await v.call('POST', 'sys/audit-hash/file', { token: t, body: { input: 'very-secret-value' } });
    expect(hash.body.data.hash).toBe(writeReq.request.data.password);

    expect((await v.call('DELETE', 'sys/audit/file', { token: t })).status).toBe(204);
    const before = (await readFile(file, 'utf8')).length;
    await v.call('GET', 'secret/audited', { token: t });
    expect((await readFile(file, 'utf8')).length).toBe(before);
  });

  it('fails requests with 500 when the audit device cannot write', async () => {
    const file = join(dir, 'broken.log');
    await v.call('PUT', 'sys/audit/broken', { token: t, body: { type: 'file', options: { file_path: file } } });
    expect((await v.call('GET', 'secret/audited', { token: t })).status).toBe(200);
    // Replace the log file with a folder: appends now fail.
    await rm(file);
    await mkdir(file);
    const res = await v.call('GET', 'secret/audited', { token: t });
    expect(res.status).toBe(500);
    expect(res.body.errors.length).toBe(1);
    expect(JSON.stringify(res.body)).not.toContain('very-secret-value');
    await rm(file, { recursive: true });
    expect((await v.call('GET', 'secret/audited', { token: t })).status).toBe(200);
    await v.call('DELETE', 'sys/audit/broken', { token: t });
  });

  it('refuses a device whose file cannot be opened', async () => {
    const res = await v.call('PUT', 'sys/audit/nowhere', {
      token: t,
      body: { type: 'file', options: { file_path: join(dir, 'missing-dir', 'x.log') } },
    });
    expect(res.status).toBe(400);
    expect((await v.call('PUT', 'sys/audit/sock', { token: t, body: { type: 'socket', options: {} } })).status).toBe(
      400,
    );
  });

  it('VAULT_AUDIT_FILE enables a device from the configuration', async () => {
    const file = join(dir, 'boot.log');
    const w = await startVault({ auditFile: file });
    await w.call('GET', 'auth/token/lookup-self', { token: w.rootToken });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(lines.at(-1) as string).type).toBe('response');
    const list = await w.call('GET', 'sys/audit', { token: w.rootToken });
    expect(list.body.data['config-file/'].options.file_path).toBe(file);
    await w.close();
  });
});
