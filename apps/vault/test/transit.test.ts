import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('transit secrets engine', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    await v.call('POST', 'sys/mounts/transit', { token: t, body: { type: 'transit' } });
  });
  afterAll(async () => {
    await v.close();
  });

  it('creates a key and reads it', async () => {
    expect((await v.call('POST', 'transit/keys/app', { token: t, body: {} })).status).toBe(204);
    const key = await v.call('GET', 'transit/keys/app', { token: t });
    expect(key.body.data).toMatchObject({
      name: 'app',
      type: 'aes256-gcm96',
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
      deletion_allowed: false,
      supports_encryption: true,
    });
    expect(Object.keys(key.body.data.keys)).toEqual(['1']);
    expect((await v.call('GET', 'transit/keys?list=true', { token: t })).body.data.keys).toEqual(['app']);
    expect((await v.call('POST', 'transit/keys/bad', { token: t, body: { type: 'rsa-9999' } })).status).toBe(400);
  });

  it('encrypts and decrypts', async () => {
    const enc = await v.call('POST', 'transit/encrypt/app', { token: t, body: { plaintext: b64('hello transit') } });
    expect(enc.status).toBe(200);
    expect(enc.body.data.ciphertext).toMatch(/^vault:v1:/);
    expect(enc.body.data.key_version).toBe(1);
    const dec = await v.call('POST', 'transit/decrypt/app', {
      token: t,
      body: { ciphertext: enc.body.data.ciphertext },
    });
    expect(Buffer.from(dec.body.data.plaintext, 'base64').toString()).toBe('hello transit');
    const tampered = `${enc.body.data.ciphertext.slice(0, -4)}AAAA`;
    expect((await v.call('POST', 'transit/decrypt/app', { token: t, body: { ciphertext: tampered } })).status).toBe(
      400,
    );
    expect((await v.call('POST', 'transit/encrypt/app', { token: t, body: { plaintext: '***' } })).status).toBe(400);
    expect((await v.call('POST', 'transit/decrypt/app', { token: t, body: { ciphertext: 'nope' } })).status).toBe(400);
  });

  it('binds associated data and handles batches', async () => {
    const enc = await v.call('POST', 'transit/encrypt/app', {
      token: t,
      body: { plaintext: b64('x'), associated_data: b64('ctx') },
    });
    const ct = enc.body.data.ciphertext;
    expect((await v.call('POST', 'transit/decrypt/app', { token: t, body: { ciphertext: ct } })).status).toBe(400);
    expect(
      (await v.call('POST', 'transit/decrypt/app', { token: t, body: { ciphertext: ct, associated_data: b64('ctx') } }))
        .status,
    ).toBe(200);
    const batch = await v.call('POST', 'transit/encrypt/app', {
      token: t,
      body: { batch_input: [{ plaintext: b64('a') }, { plaintext: b64('b') }, { plaintext: '!' }] },
    });
    const results = batch.body.data.batch_results;
    expect(results).toHaveLength(3);
    expect(results[2].error).toBeTruthy();
    const decBatch = await v.call('POST', 'transit/decrypt/app', {
      token: t,
      body: { batch_input: [{ ciphertext: results[0].ciphertext }, { ciphertext: results[1].ciphertext }] },
    });
    expect(
      decBatch.body.data.batch_results.map((r: { plaintext: string }) => Buffer.from(r.plaintext, 'base64').toString()),
    ).toEqual(['a', 'b']);
  });

  it('rotates, rewraps and enforces min_decryption_version', async () => {
    const old = (await v.call('POST', 'transit/encrypt/app', { token: t, body: { plaintext: b64('old') } })).body.data
      .ciphertext;
    const rot = await v.call('POST', 'transit/keys/app/rotate', { token: t });
    expect(rot.status).toBe(200);
    expect((await v.call('GET', 'transit/keys/app', { token: t })).body.data.latest_version).toBe(2);
    const fresh = (await v.call('POST', 'transit/encrypt/app', { token: t, body: { plaintext: b64('new') } })).body
      .data;
    expect(fresh.ciphertext).toMatch(/^vault:v2:/);
    const pinned = await v.call('POST', 'transit/encrypt/app', {
      token: t,
      body: { plaintext: b64('p'), key_version: 1 },
    });
    expect(pinned.body.data.ciphertext).toMatch(/^vault:v1:/);
    const rewrap = await v.call('POST', 'transit/rewrap/app', { token: t, body: { ciphertext: old } });
    expect(rewrap.body.data.ciphertext).toMatch(/^vault:v2:/);
    await v.call('POST', 'transit/keys/app/config', { token: t, body: { min_decryption_version: 2 } });
    const refused = await v.call('POST', 'transit/decrypt/app', { token: t, body: { ciphertext: old } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatch(/too old/);
    const ok = await v.call('POST', 'transit/decrypt/app', {
      token: t,
      body: { ciphertext: rewrap.body.data.ciphertext },
    });
    expect(Buffer.from(ok.body.data.plaintext, 'base64').toString()).toBe('old');
    expect(
      (await v.call('POST', 'transit/keys/app/config', { token: t, body: { min_decryption_version: 9 } })).status,
    ).toBe(400);
  });

  it('generates data keys', async () => {
    const plain = await v.call('POST', 'transit/datakey/plaintext/app', { token: t, body: { bits: 128 } });
    expect(Buffer.from(plain.body.data.plaintext, 'base64')).toHaveLength(16);
    const dec = await v.call('POST', 'transit/decrypt/app', {
      token: t,
      body: { ciphertext: plain.body.data.ciphertext },
    });
    expect(dec.body.data.plaintext).toBe(plain.body.data.plaintext);
    const wrapped = await v.call('POST', 'transit/datakey/wrapped/app', { token: t, body: {} });
    expect(wrapped.body.data.plaintext).toBeUndefined();
    expect(wrapped.body.data.ciphertext).toMatch(/^vault:v2:/);
    expect((await v.call('POST', 'transit/datakey/plaintext/app', { token: t, body: { bits: 100 } })).status).toBe(400);
  });

  it('upserts keys on encrypt only with create capability, and deletes only when allowed', async () => {
    await v.call('PUT', 'sys/policy/enc', {
      token: t,
      body: { policy: 'path "transit/encrypt/*" { capabilities = ["update"] }' },
    });
    const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['enc'] } })).body.auth
      .client_token;
    expect((await v.call('POST', 'transit/encrypt/app', { token: tok, body: { plaintext: b64('a') } })).status).toBe(
      200,
    );
    expect(
      (await v.call('POST', 'transit/encrypt/brand-new', { token: tok, body: { plaintext: b64('a') } })).status,
    ).toBe(403);
    expect(
      (await v.call('POST', 'transit/encrypt/brand-new', { token: t, body: { plaintext: b64('a') } })).status,
    ).toBe(200);
    expect((await v.call('DELETE', 'transit/keys/brand-new', { token: t })).status).toBe(400);
    await v.call('POST', 'transit/keys/brand-new/config', { token: t, body: { deletion_allowed: true } });
    expect((await v.call('DELETE', 'transit/keys/brand-new', { token: t })).status).toBe(204);
    expect((await v.call('GET', 'transit/keys/brand-new', { token: t })).status).toBe(404);
  });
});
