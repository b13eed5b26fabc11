import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedStorage } from '../src/storage/cache.js';
import { FileStorage } from '../src/storage/file.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { PostgresStorage } from '../src/storage/postgres.js';
import type { PhysicalStorage } from '../src/storage/types.js';
import { startVault } from './helpers.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/** The same contract for every physical backend. */
function storageContract(name: string, make: () => Promise<PhysicalStorage>, cleanup: () => Promise<void>) {
  describe(`${name} storage contract`, () => {
    let s: PhysicalStorage;
    beforeAll(async () => {
      s = await make();
      await s.open();
    });
    afterAll(async () => {
      await s.close();
      await cleanup();
    });

    it('puts, gets, overwrites and deletes', async () => {
      expect(await s.get('a/b/c')).toBeNull();
      await s.put('a/b/c', Buffer.from('one'));
      expect((await s.get('a/b/c'))?.toString()).toBe('one');
      await s.put('a/b/c', Buffer.from('two'));
      expect((await s.get('a/b/c'))?.toString()).toBe('two');
      await s.delete('a/b/c');
      expect(await s.get('a/b/c')).toBeNull();
      await s.delete('a/b/never');
    });

    it('lists immediate children with folders marked by a slash', async () => {
      await s.put('l/x', Buffer.from('1'));
      await s.put('l/y/z', Buffer.from('2'));
      await s.put('l/y/w/deep', Buffer.from('3'));
      await s.put('l/y', Buffer.from('leaf and folder'));
      await s.put('l/odd name %/_under', Buffer.from('4'));
      expect(await s.list('l/')).toEqual(['odd name %/', 'x', 'y', 'y/']);
      expect(await s.list('l/y/')).toEqual(['w/', 'z']);
      expect(await s.list('l/odd name %/')).toEqual(['_under']);
      expect(await s.list('nothing/')).toEqual([]);
      await s.delete('l/y/w/deep');
      expect(await s.list('l/y/')).toEqual(['z']);
    });

    it('stores binary values exactly', async () => {
      const value = randomBytes(4096);
      await s.put('bin/v', value);
      expect((await s.get('bin/v'))?.equals(value)).toBe(true);
    });

    it('rejects keys that could escape the store', async () => {
      await expect(s.put('../x', Buffer.from('x'))).rejects.toThrow();
      await expect(s.put('a//b', Buffer.from('x'))).rejects.toThrow();
      await expect(s.put('/abs', Buffer.from('x'))).rejects.toThrow();
    });
  });
}

let fileRoot = '';
storageContract(
  'file',
  async () => {
    fileRoot = await mkdtemp(join(tmpdir(), 'meridian-vault-fs-'));
    return new FileStorage(fileRoot);
  },
  async () => {
    await rm(fileRoot, { recursive: true, force: true });
  },
);

let cachedRoot = '';
storageContract(
  'cached file',
  async () => {
    cachedRoot = await mkdtemp(join(tmpdir(), 'meridian-vault-fs-'));
    return new CachedStorage(new FileStorage(cachedRoot), 4);
  },
  async () => {
    await rm(cachedRoot, { recursive: true, force: true });
  },
);

describe('read cache', () => {
  it('serves repeated reads from memory and stays coherent with writes', async () => {
    const inner = new MemoryStorage();
    let reads = 0;
    const get = inner.get.bind(inner);
    inner.get = async (key) => {
      reads++;
      return get(key);
    };
    const cache = new CachedStorage(inner, 2);
    await cache.put('a', Buffer.from('1'));
    expect((await cache.get('a'))?.toString()).toBe('1');
    expect(await cache.get('missing')).toBeNull();
    expect(await cache.get('missing')).toBeNull();
    expect(reads).toBe(1);
    await cache.put('a', Buffer.from('2'));
    expect((await cache.get('a'))?.toString()).toBe('2');
    await cache.delete('a');
    expect(await cache.get('a')).toBeNull();
    // Eviction beyond the size limit falls back to storage.
    await cache.put('b', Buffer.from('b'));
    await cache.put('c', Buffer.from('c'));
    await cache.put('d', Buffer.from('d'));
    const before = reads;
    expect((await cache.get('b'))?.toString()).toBe('b');
    expect(reads).toBe(before + 1);
  });
});

describe('file storage durability', () => {
  it('leaves no temporary files and ignores one left by a crash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'meridian-vault-fs-'));
    const s = new FileStorage(root);
    await s.open();
    for (let i = 0; i < 20; i++) await s.put('k/v', Buffer.from(`value-${i}`));
    const files = await walk(root);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    // A crash between write and rename leaves a temp file: the old value stays intact and listing skips it.
    await writeFile(join(root, 'k', '.tmp-deadbeef'), 'half-writ');
    expect((await s.get('k/v'))?.toString()).toBe('value-19');
    expect(await s.list('k/')).toEqual(['v']);
    expect((await stat(join(root, 'k', '_v'))).mode & 0o777).toBe(0o600);
    await rm(root, { recursive: true, force: true });
  });

  it('the storage folder holds no plaintext secret, token or policy', async () => {
    const v = await startVault();
    const t = v.rootToken;
    const secret = `canary-${randomBytes(12).toString('hex')}`;
    await v.call('POST', 'sys/mounts/kv1', { token: t, body: { type: 'kv' } });
    await v.call('POST', 'sys/mounts/kv2', { token: t, body: { type: 'kv-v2' } });
    await v.call('POST', 'sys/mounts/transit', { token: t, body: { type: 'transit' } });
    await v.call('PUT', 'kv1/canary', { token: t, body: { value: secret } });
    await v.call('PUT', 'kv2/data/canary', { token: t, body: { data: { value: secret } } });
    await v.call('POST', 'transit/encrypt/k', {
      token: t,
      body: { plaintext: Buffer.from(secret).toString('base64') },
    });
    await v.call('PUT', 'sys/policy/canary-policy', {
      token: t,
      body: { policy: `path "${secret}/*" { capabilities = ["read"] }` },
    });
    await v.call('POST', 'sys/auth/userpass', { token: t, body: { type: 'userpass' } });
    await v.call('POST', 'auth/userpass/users/u', { token: t, body: { password: secret } });
    const child = (await v.call('POST', 'auth/token/create', { token: t, body: {} })).body.auth;
    expect((await v.call('GET', 'kv1/canary', { token: t })).body.data.value).toBe(secret);

    const needles = [secret, t, child.client_token, child.accessor, 'capabilities', 'path "'].map((s) =>
      Buffer.from(s),
    );
    const files = await walk(v.storagePath);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const needle of needles) expect(bytes.includes(needle), `${file} contains ${needle}`).toBe(false);
      expect(file.includes(secret)).toBe(false);
      expect(file.includes(t)).toBe(false);
    }
    await v.close();
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;
const databaseName = `meridian_vault_test_${randomBytes(4).toString('hex')}`;
const urlFor = (database: string) => {
  const url = new URL(databaseUrl as string);
  url.pathname = `/${database}`;
  return url.toString();
};
const testUrl = () => urlFor(databaseName);
// CREATE and DROP DATABASE run on the server's maintenance database: the one named in the URL need not exist.
const adminUrl = () => urlFor('postgres');

describe.skipIf(!databaseUrl)('PostgreSQL storage', () => {
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  });

  storageContract(
    'postgres',
    async () => new PostgresStorage(testUrl(), 'contract_store'),
    async () => {},
  );

  it('runs a whole vault on PostgreSQL, keeps only ciphertext and survives a restart', async () => {
    const secret = `pg-canary-${randomBytes(8).toString('hex')}`;
    const v = await startVault({ storage: new PostgresStorage(testUrl()) });
    expect((await v.call('GET', 'sys/seal-status')).body.storage_type).toBe('postgresql');
    const t = v.rootToken;
    await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv-v2' } });
    await v.call('POST', 'secret/data/db/pw', { token: t, body: { data: { value: secret } } });
    expect((await v.call('GET', 'secret/metadata/db?list=true', { token: t })).body.data.keys).toEqual(['pw']);
    await v.app.close();

    const client = new pg.Client({ connectionString: testUrl() });
    await client.connect();
    const rows = await client.query<{ path: string; key: string; value: Buffer }>(
      'SELECT path, key, value FROM vault_kv_store',
    );
    expect(rows.rows.length).toBeGreaterThan(5);
    for (const row of rows.rows) {
      expect(row.value.includes(Buffer.from(secret))).toBe(false);
      expect(row.value.includes(Buffer.from(t))).toBe(false);
    }
    await client.end();

    const again = await startVault({ storage: new PostgresStorage(testUrl()), init: false });
    again.keys = v.keys;
    for (const key of v.keys.slice(0, 3)) await again.call('PUT', 'sys/unseal', { body: { key } });
    expect((await again.call('GET', 'secret/data/db/pw', { token: t })).body.data.data.value).toBe(secret);
    await again.close();
    await rm(v.storagePath, { recursive: true, force: true });
  });
});
