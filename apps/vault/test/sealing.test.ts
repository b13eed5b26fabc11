import { afterEach, describe, expect, it } from 'vitest';
import { startVault, type TestVault, unseal } from './helpers.js';

describe('initialisation, sealing and health', () => {
  let v: TestVault | undefined;
  afterEach(async () => {
    await v?.close();
    v = undefined;
  });

  it('reports an uninitialised vault and refuses everything else', async () => {
    v = await startVault({ init: false });
    expect((await v.call('GET', 'sys/init')).body).toEqual({ initialized: false });
    const health = await v.call('GET', 'sys/health');
    expect(health.status).toBe(501);
    expect(health.body.initialized).toBe(false);
    expect((await v.call('GET', 'sys/health?uninitcode=200')).status).toBe(200);
    const status = await v.call('GET', 'sys/seal-status');
    expect(status.body).toMatchObject({ initialized: false, sealed: true, t: 0, n: 0 });
    expect((await v.call('GET', 'secret/foo')).status).toBe(503);
    expect((await v.call('PUT', 'sys/unseal', { body: { key: 'aa' } })).status).toBe(400);
  });

  it('validates the seal configuration', async () => {
    v = await startVault({ init: false });
    for (const body of [
      { secret_shares: 3, secret_threshold: 4 },
      { secret_shares: 3, secret_threshold: 1 },
      { secret_shares: 0, secret_threshold: 0 },
      { secret_shares: 256, secret_threshold: 2 },
      { secret_shares: 3 },
    ]) {
      const res = await v.call('PUT', 'sys/init', { body });
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('initialises with Shamir shares and unseals with any threshold subset', async () => {
    v = await startVault({ unseal: false, shares: 5, threshold: 3 });
    expect(v.keys).toHaveLength(5);
    expect((await v.call('PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })).status).toBe(400);
    let status = await v.call('GET', 'sys/seal-status');
    expect(status.body).toMatchObject({ type: 'shamir', initialized: true, sealed: true, t: 3, n: 5, progress: 0 });
    // keys 4, 1 and 2 (hex and base64 mixed)
    const init = v.keys;
    await v.call('PUT', 'sys/unseal', { body: { key: init[4] } });
    status = await v.call('PUT', 'sys/unseal', {
      body: { key: Buffer.from(init[1] as string, 'hex').toString('base64') },
    });
    expect(status.body).toMatchObject({ sealed: true, progress: 2 });
    expect(status.body.nonce).not.toBe('');
    status = await v.call('PUT', 'sys/unseal', { body: { key: init[2] } });
    expect(status.body).toMatchObject({ sealed: false, progress: 0 });
    expect(status.body.cluster_id).toBeTruthy();
    expect((await v.call('GET', 'sys/health')).status).toBe(200);
  });

  it('503s everything but the status endpoints while sealed', async () => {
    v = await startVault({ unseal: false });
    const token = v.rootToken;
    for (const [method, path] of [
      ['GET', 'secret/data/foo'],
      ['POST', 'sys/mounts/kv'],
      ['GET', 'sys/mounts'],
      ['POST', 'auth/token/create'],
      ['GET', 'auth/token/lookup-self'],
      ['PUT', 'sys/seal'],
      ['GET', 'sys/policy'],
      ['GET', 'no/such/path'],
      ['DELETE', 'cubbyhole/x'],
    ] as const) {
      const res = await v.call(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.body.errors).toEqual(['Vault is sealed']);
    }
    expect((await v.call('GET', 'sys/seal-status')).status).toBe(200);
    expect((await v.call('GET', 'sys/init')).status).toBe(200);
    expect((await v.call('GET', 'sys/health')).status).toBe(503);
    expect((await v.call('GET', 'sys/health?sealedcode=299')).status).toBe(299);
    const head = await fetch(`${v.url}/v1/sys/health`, { method: 'HEAD' });
    expect(head.status).toBe(503);
  });

  it('never unseals with too few or wrong shares, and resets progress', async () => {
    v = await startVault({ unseal: false, shares: 5, threshold: 3 });
    await v.call('PUT', 'sys/unseal', { body: { key: v.keys[0] } });
    await v.call('PUT', 'sys/unseal', { body: { key: v.keys[1] } });
    expect((await v.call('GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 2 });
    // The same share twice does not count twice.
    await v.call('PUT', 'sys/unseal', { body: { key: v.keys[1] } });
    expect((await v.call('GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 2 });
    const reset = await v.call('PUT', 'sys/unseal', { body: { reset: true } });
    expect(reset.body).toMatchObject({ sealed: true, progress: 0, nonce: '' });

    // A forged share of the right length combines to the wrong key.
    const forged = Buffer.from(v.keys[2] as string, 'hex');
    forged[0] = (forged[0] ?? 0) ^ 0xff;
    await v.call('PUT', 'sys/unseal', { body: { key: v.keys[0] } });
    await v.call('PUT', 'sys/unseal', { body: { key: v.keys[1] } });
    const wrong = await v.call('PUT', 'sys/unseal', { body: { key: forged.toString('hex') } });
    expect(wrong.status).toBe(400);
    expect((await v.call('GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });

    // Wrong length and garbage are refused outright.
    expect((await v.call('PUT', 'sys/unseal', { body: { key: 'abcd' } })).status).toBe(400);
    expect((await v.call('PUT', 'sys/unseal', { body: { key: '!!!' } })).status).toBe(400);
    expect((await v.call('PUT', 'sys/unseal', { body: {} })).status).toBe(400);
    expect((await v.call('GET', 'secret/x', { token: v.rootToken })).status).toBe(503);
  });

  it('a single share unseals a 1-of-1 vault', async () => {
    v = await startVault({ shares: 1, threshold: 1 });
    expect(v.keys[0]).toHaveLength(64);
    expect((await v.call('GET', 'sys/seal-status')).body.sealed).toBe(false);
  });

  it('sys/seal needs a sudo token, seals, and the vault unseals again after a restart', async () => {
    v = await startVault();
    await v.call('POST', 'sys/mounts/kv', { token: v.rootToken, body: { type: 'kv' } });
    await v.call('POST', 'kv/persisted', { token: v.rootToken, body: { value: 'kept' } });
    await v.call('PUT', 'sys/policy/kvonly', {
      token: v.rootToken,
      body: { policy: 'path "kv/*" { capabilities = ["read"] }' },
    });
    const child = await v.call('POST', 'auth/token/create', { token: v.rootToken, body: { policies: ['kvonly'] } });
    const childToken = child.body.auth.client_token as string;
    expect((await v.call('PUT', 'sys/seal', { token: childToken })).status).toBe(403);
    expect((await v.call('PUT', 'sys/seal', { token: v.rootToken })).status).toBe(204);
    expect((await v.call('GET', 'sys/seal-status')).body.sealed).toBe(true);
    expect((await v.call('GET', 'kv/persisted', { token: v.rootToken })).status).toBe(503);

    // Restart on the same storage.
    const { storagePath, keys, rootToken } = v;
    await v.app.close();
    v = await startVault({ storagePath, init: false });
    v.keys = keys;
    v.rootToken = rootToken;
    expect((await v.call('GET', 'sys/seal-status')).body).toMatchObject({ initialized: true, sealed: true });
    await unseal(v);
    expect((await v.call('GET', 'kv/persisted', { token: childToken })).body.data).toEqual({ value: 'kept' });
  });

  it('rotates the keyring; data written under old terms stays readable', async () => {
    v = await startVault();
    const t = v.rootToken;
    await v.call('POST', 'sys/mounts/kv', { token: t, body: { type: 'kv' } });
    await v.call('POST', 'kv/before', { token: t, body: { n: 1 } });
    const before = await v.call('GET', 'sys/key-status', { token: t });
    expect(before.body.data.term).toBe(1);
    expect(before.body.term).toBe(1);
    expect((await v.call('POST', 'sys/rotate', { token: t })).status).toBe(204);
    const after = await v.call('GET', 'sys/key-status', { token: t });
    expect(after.body.data.term).toBe(2);
    await v.call('POST', 'kv/after', { token: t, body: { n: 2 } });
    expect((await v.call('GET', 'kv/before', { token: t })).body.data).toEqual({ n: 1 });
    // Survives a seal/unseal cycle too.
    await v.call('PUT', 'sys/seal', { token: t });
    await unseal(v);
    expect((await v.call('GET', 'kv/before', { token: t })).body.data).toEqual({ n: 1 });
    expect((await v.call('GET', 'kv/after', { token: t })).body.data).toEqual({ n: 2 });
    expect((await v.call('GET', 'sys/key-status', { token: t })).body.data.term).toBe(2);
  });

  it('health accepts Vault query parameters and rejects bad codes', async () => {
    v = await startVault();
    const res = await v.call('GET', 'sys/health?standbyok=true&activecode=204');
    expect(res.status).toBe(204);
    const ok = await v.call('GET', 'sys/health');
    expect(ok.body).toMatchObject({ initialized: true, sealed: false, standby: false, performance_standby: false });
    expect((await v.call('GET', 'sys/health?activecode=abc')).status).toBe(400);
    expect((await v.call('GET', 'sys/leader')).status).toBe(200);
  });
});
