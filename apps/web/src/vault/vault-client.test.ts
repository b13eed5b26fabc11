import { describe, expect, it } from 'vitest';
import { encodeVaultPath, VaultClient, VaultError, vaultErrorFrom } from './vault-client';

interface Sent {
  url: string;
  init: RequestInit;
}

function fakeVault(status: number, body?: unknown) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }) as unknown as typeof fetch;
  return { sent, fetchImpl };
}

function client(fetchImpl: typeof fetch, token?: string, namespace?: string) {
  return new VaultClient({ fetch: fetchImpl, token: () => token, namespace: () => namespace });
}

describe('VaultClient', () => {
  it("sends the session's token and namespace, and no cookies", async () => {
    const { sent, fetchImpl } = fakeVault(200, { data: { x: '1' } });
    const data = await client(fetchImpl, 'hvs.abc', '/clinic/ward/').read('secret/data/a b');
    expect(data).toEqual({ x: '1' });
    expect(sent[0]!.url).toBe('/vault/v1/secret/data/a%20b');
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(headers['x-vault-token']).toBe('hvs.abc');
    expect(headers['x-vault-namespace']).toBe('clinic/ward');
    expect(sent[0]!.init.credentials).toBe('omit');
  });

  it('sends no token or namespace headers when there are none', async () => {
    const { sent, fetchImpl } = fakeVault(200, { initialized: true });
    await client(fetchImpl).request('GET', 'sys/seal-status');
    const headers = sent[0]!.init.headers as Record<string, string>;
    expect(headers).not.toHaveProperty('x-vault-token');
    expect(headers).not.toHaveProperty('x-vault-namespace');
  });

  it('lets a request use another token than the session (checking one before keeping it)', async () => {
    const { sent, fetchImpl } = fakeVault(200, { data: {} });
    await client(fetchImpl, 'hvs.session').read('auth/token/lookup-self', { token: 'hvs.candidate' });
    expect((sent[0]!.init.headers as Record<string, string>)['x-vault-token']).toBe('hvs.candidate');
  });

  it('lists with GET ?list=true and treats a missing folder as empty', async () => {
    const listed = fakeVault(200, { data: { keys: ['a/', 'b'] } });
    expect(await client(listed.fetchImpl, 't').list('secret/metadata/')).toEqual(['a/', 'b']);
    expect(listed.sent[0]!.url).toBe('/vault/v1/secret/metadata/?list=true');
    expect(listed.sent[0]!.init.method).toBe('GET');
    const empty = fakeVault(404, { errors: [] });
    expect(await client(empty.fetchImpl, 't').list('secret/metadata/none/')).toEqual([]);
  });

  it('writes JSON bodies and passes query parameters', async () => {
    const { sent, fetchImpl } = fakeVault(200, { data: { version: 2 } });
    await client(fetchImpl, 't').write('secret/data/a', { data: { k: 'v' } });
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.body).toBe('{"data":{"k":"v"}}');
    expect((sent[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
    await client(fetchImpl, 't').read('secret/data/a', { query: { version: 1 } });
    expect(sent[1]!.url).toBe('/vault/v1/secret/data/a?version=1');
  });

  it("turns the vault's errors into a VaultError with its messages", async () => {
    const { fetchImpl } = fakeVault(400, { errors: ['failed to parse policy: invalid capability "reed"'] });
    const failure = await client(fetchImpl, 't')
      .put('sys/policies/acl/x', { policy: 'bad' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(VaultError);
    expect((failure as VaultError).status).toBe(400);
    expect((failure as VaultError).message).toBe('failed to parse policy: invalid capability "reed"');
  });

  it('says when the Meridian server cannot be reached', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const failure = await client(failing)
      .request('GET', 'sys/health')
      .catch((error: unknown) => error);
    expect((failure as VaultError).status).toBe(0);
    expect((failure as VaultError).message).toMatch(/Cannot reach the Meridian server/);
  });

  it('returns nothing for 204 answers', async () => {
    const { fetchImpl } = fakeVault(204);
    expect(await client(fetchImpl, 't').delete('secret/metadata/a')).toBeUndefined();
  });
});

describe('vaultErrorFrom', () => {
  it('uses the proxy problem detail when the vault is down', () => {
    const error = vaultErrorFrom(502, { code: 'VAULT_UNAVAILABLE', detail: 'Meridian Vault does not answer.' });
    expect(error.message).toBe('Meridian Vault does not answer.');
  });
  it('knows a sealed vault and a denied request', () => {
    expect(vaultErrorFrom(503, { errors: ['Vault is sealed'] }).isSealed).toBe(true);
    expect(vaultErrorFrom(403, { errors: ['permission denied'] }).isPermissionDenied).toBe(true);
    expect(vaultErrorFrom(404, { errors: [] }).message).toBe('Nothing found at this path.');
  });
});

describe('encodeVaultPath', () => {
  it('encodes segments and keeps slashes', () => {
    expect(encodeVaultPath('secret/data/a b/c?d')).toBe('secret/data/a%20b/c%3Fd');
    expect(encodeVaultPath('secret/metadata/')).toBe('secret/metadata/');
  });
});
