import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('KV secrets engines', () => {
  let v: TestVault;
  let t: string;
  beforeAll(async () => {
    v = await startVault();
    t = v.rootToken;
    expect((await v.call('POST', 'sys/mounts/kv1', { token: t, body: { type: 'kv', description: 'v1' } })).status).toBe(
      204,
    );
    expect(
      (await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv', options: { version: '2' } } })).status,
    ).toBe(204);
  });
  afterAll(async () => {
    await v.close();
  });

  describe('version 1', () => {
    it('writes, reads, lists and deletes', async () => {
      expect((await v.call('POST', 'kv1/app/db', { token: t, body: { user: 'u', pass: 'p' } })).status).toBe(204);
      await v.call('PUT', 'kv1/app/api', { token: t, body: { key: 'k' } });
      await v.call('PUT', 'kv1/top', { token: t, body: { x: 1 } });
      const read = await v.call('GET', 'kv1/app/db', { token: t });
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual({ user: 'u', pass: 'p' });
      expect(read.body.lease_duration).toBe(2764800);
      expect(read.body.mount_type).toBe('kv');
      const list = await v.call('GET', 'kv1/?list=true', { token: t });
      expect(list.body.data.keys).toEqual(['app/', 'top']);
      expect((await v.call('GET', 'kv1/app?list=true', { token: t })).body.data.keys).toEqual(['api', 'db']);
      expect((await v.call('DELETE', 'kv1/app/db', { token: t })).status).toBe(204);
      const gone = await v.call('GET', 'kv1/app/db', { token: t });
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ errors: [] });
      expect((await v.call('GET', 'kv1/nothing/?list=true', { token: t })).status).toBe(404);
    });

    it('uses ttl in data as the lease duration and rejects empty writes', async () => {
      await v.call('PUT', 'kv1/ttl', { token: t, body: { ttl: 30, v: 1 } });
      expect((await v.call('GET', 'kv1/ttl', { token: t })).body.lease_duration).toBe(30);
      expect((await v.call('PUT', 'kv1/empty', { token: t, body: {} })).status).toBe(400);
    });

    it('create vs update follows existence for ACL checks', async () => {
      await v.call('PUT', 'sys/policy/kvcreate', {
        token: t,
        body: { policy: 'path "kv1/c/*" { capabilities = ["create", "read"] }' },
      });
      const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['kvcreate'] } })).body.auth
        .client_token;
      expect((await v.call('PUT', 'kv1/c/new', { token: tok, body: { a: 1 } })).status).toBe(204);
      // Now it exists: overwriting is an update, which the policy does not grant.
      expect((await v.call('PUT', 'kv1/c/new', { token: tok, body: { a: 2 } })).status).toBe(403);
      expect((await v.call('GET', 'kv1/c/new', { token: tok })).body.data).toEqual({ a: 1 });
    });
  });

  describe('version 2', () => {
    it('writes versions and reads the latest or a given one', async () => {
      const w1 = await v.call('POST', 'secret/data/app', { token: t, body: { data: { pw: 'one' } } });
      expect(w1.status).toBe(200);
      expect(w1.body.data).toMatchObject({ version: 1, destroyed: false, deletion_time: '' });
      const w2 = await v.call('POST', 'secret/data/app', { token: t, body: { data: { pw: 'two' } } });
      expect(w2.body.data.version).toBe(2);
      const latest = await v.call('GET', 'secret/data/app', { token: t });
      expect(latest.body.data.data).toEqual({ pw: 'two' });
      expect(latest.body.data.metadata.version).toBe(2);
      const first = await v.call('GET', 'secret/data/app?version=1', { token: t });
      expect(first.body.data.data).toEqual({ pw: 'one' });
      expect((await v.call('GET', 'secret/data/app?version=9', { token: t })).status).toBe(404);
      expect((await v.call('GET', 'secret/data/missing', { token: t })).body).toEqual({ errors: [] });
    });

    it('serialises concurrent writes to one key into distinct versions', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          v.call('POST', 'secret/data/concurrent', { token: t, body: { data: { i } } }),
        ),
      );
      const versions = results.map((r) => r.body.data.version).sort((a: number, b: number) => a - b);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const meta = await v.call('GET', 'secret/metadata/concurrent', { token: t });
      expect(meta.body.data.current_version).toBe(12);
      expect(Object.keys(meta.body.data.versions)).toHaveLength(10);
    });

    it('enforces check-and-set', async () => {
      const none = await v.call('POST', 'secret/data/cas', { token: t, body: { data: { a: 1 }, options: { cas: 1 } } });
      expect(none.status).toBe(400);
      expect(none.body.errors[0]).toMatch(/did not match/);
      expect(
        (await v.call('POST', 'secret/data/cas', { token: t, body: { data: { a: 1 }, options: { cas: 0 } } })).status,
      ).toBe(200);
      expect(
        (await v.call('POST', 'secret/data/cas', { token: t, body: { data: { a: 2 }, options: { cas: 0 } } })).status,
      ).toBe(400);
      expect(
        (await v.call('POST', 'secret/data/cas', { token: t, body: { data: { a: 2 }, options: { cas: 1 } } })).status,
      ).toBe(200);
      await v.call('POST', 'secret/metadata/cas', { token: t, body: { cas_required: true } });
      const missing = await v.call('POST', 'secret/data/cas', { token: t, body: { data: { a: 3 } } });
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0]).toMatch(/check-and-set parameter required/);
      // Mount-wide cas_required
      await v.call('POST', 'secret/config', { token: t, body: { cas_required: true } });
      expect((await v.call('POST', 'secret/data/other', { token: t, body: { data: { a: 1 } } })).status).toBe(400);
      expect((await v.call('GET', 'secret/config', { token: t })).body.data.cas_required).toBe(true);
      await v.call('POST', 'secret/config', { token: t, body: { cas_required: false } });
    });

    it('keeps at most max_versions', async () => {
      await v.call('POST', 'secret/metadata/limited', { token: t, body: { max_versions: 2 } });
      for (let i = 1; i <= 4; i++) await v.call('POST', 'secret/data/limited', { token: t, body: { data: { i } } });
      const meta = await v.call('GET', 'secret/metadata/limited', { token: t });
      expect(meta.body.data).toMatchObject({ current_version: 4, oldest_version: 3, max_versions: 2 });
      expect(Object.keys(meta.body.data.versions)).toEqual(['3', '4']);
      expect((await v.call('GET', 'secret/data/limited?version=1', { token: t })).status).toBe(404);
    });

    it('soft deletes, undeletes and destroys versions', async () => {
      await v.call('POST', 'secret/data/life', { token: t, body: { data: { v: 1 } } });
      await v.call('POST', 'secret/data/life', { token: t, body: { data: { v: 2 } } });
      expect((await v.call('DELETE', 'secret/data/life', { token: t })).status).toBe(204);
      const deleted = await v.call('GET', 'secret/data/life', { token: t });
      expect(deleted.status).toBe(404);
      expect(deleted.body.data.data).toBeNull();
      expect(deleted.body.data.metadata.deletion_time).not.toBe('');
      expect((await v.call('POST', 'secret/undelete/life', { token: t, body: { versions: [2] } })).status).toBe(204);
      expect((await v.call('GET', 'secret/data/life', { token: t })).body.data.data).toEqual({ v: 2 });
      await v.call('POST', 'secret/delete/life', { token: t, body: { versions: [1] } });
      expect((await v.call('GET', 'secret/data/life?version=1', { token: t })).status).toBe(404);
      await v.call('POST', 'secret/destroy/life', { token: t, body: { versions: [1] } });
      const meta = await v.call('GET', 'secret/metadata/life', { token: t });
      expect(meta.body.data.versions['1'].destroyed).toBe(true);
      // A destroyed version cannot be undeleted.
      await v.call('POST', 'secret/undelete/life', { token: t, body: { versions: [1] } });
      const still = await v.call('GET', 'secret/data/life?version=1', { token: t });
      expect(still.status).toBe(404);
      expect(still.body.data.metadata.destroyed).toBe(true);
      expect((await v.call('POST', 'secret/delete/life', { token: t, body: {} })).status).toBe(400);
    });

    it('patches with JSON merge semantics', async () => {
      await v.call('POST', 'secret/data/patchme', { token: t, body: { data: { a: 1, b: { c: 2, d: 3 } } } });
      const p = await v.call('PATCH', 'secret/data/patchme', {
        token: t,
        body: { data: { b: { d: null, e: 4 }, f: 5 } },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      expect(p.status).toBe(200);
      expect(p.body.data.version).toBe(2);
      expect((await v.call('GET', 'secret/data/patchme', { token: t })).body.data.data).toEqual({
        a: 1,
        b: { c: 2, e: 4 },
        f: 5,
      });
      expect((await v.call('PATCH', 'secret/data/nothing-here', { token: t, body: { data: { a: 1 } } })).status).toBe(
        404,
      );
    });

    it('manages metadata and lists keys', async () => {
      await v.call('POST', 'secret/data/dir/one', { token: t, body: { data: { a: 1 } } });
      await v.call('POST', 'secret/data/dir/two', { token: t, body: { data: { a: 1 } } });
      await v.call('POST', 'secret/data/dir/sub/three', { token: t, body: { data: { a: 1 } } });
      const list = await v.call('GET', 'secret/metadata/dir?list=true', { token: t });
      expect(list.body.data.keys).toEqual(['one', 'sub/', 'two']);
      expect((await v.call('GET', 'secret/metadata/?list=true', { token: t })).body.data.keys).toContain('dir/');
      await v.call('POST', 'secret/metadata/dir/one', {
        token: t,
        body: { custom_metadata: { owner: 'ops' }, delete_version_after: '1h' },
      });
      const meta = await v.call('GET', 'secret/metadata/dir/one', { token: t });
      expect(meta.body.data).toMatchObject({ custom_metadata: { owner: 'ops' }, delete_version_after: '3600s' });
      await v.call('PATCH', 'secret/metadata/dir/one', { token: t, body: { custom_metadata: { env: 'prod' } } });
      expect((await v.call('GET', 'secret/metadata/dir/one', { token: t })).body.data.custom_metadata).toEqual({
        owner: 'ops',
        env: 'prod',
      });
      expect((await v.call('DELETE', 'secret/metadata/dir/one', { token: t })).status).toBe(204);
      expect((await v.call('GET', 'secret/data/dir/one', { token: t })).status).toBe(404);
      expect((await v.call('GET', 'secret/metadata/dir/one', { token: t })).status).toBe(404);
      expect((await v.call('GET', 'secret/metadata/dir?list=true', { token: t })).body.data.keys).toEqual([
        'sub/',
        'two',
      ]);
    });

    it('delete_version_after hides versions once their time has passed', async () => {
      await v.call('POST', 'secret/metadata/shortlived', { token: t, body: { delete_version_after: '10s' } });
      await v.call('POST', 'secret/data/shortlived', { token: t, body: { data: { a: 1 } } });
      v.clock.advance(9);
      expect((await v.call('GET', 'secret/data/shortlived', { token: t })).status).toBe(200);
      v.clock.advance(1);
      expect((await v.call('GET', 'secret/data/shortlived', { token: t })).status).toBe(404);
    });

    it('answers subkeys and rejects unversioned paths', async () => {
      await v.call('POST', 'secret/data/sk', { token: t, body: { data: { a: 1, b: { c: 'x' } } } });
      const sk = await v.call('GET', 'secret/subkeys/sk', { token: t });
      expect(sk.body.data.subkeys).toEqual({ a: null, b: { c: null } });
      const bad = await v.call('GET', 'secret/sk', { token: t });
      expect(bad.status).toBe(404);
      expect(bad.body.errors[0]).toMatch(/Invalid path for a versioned K\/V/);
    });

    it('policies on data/ and metadata/ paths apply separately', async () => {
      await v.call('PUT', 'sys/policy/kv2reader', {
        token: t,
        body: {
          policy:
            'path "secret/data/app" { capabilities = ["read"] }\npath "secret/metadata/*" { capabilities = ["list"] }',
        },
      });
      const tok = (await v.call('POST', 'auth/token/create', { token: t, body: { policies: ['kv2reader'] } })).body.auth
        .client_token;
      expect((await v.call('GET', 'secret/data/app', { token: tok })).status).toBe(200);
      expect((await v.call('POST', 'secret/data/app', { token: tok, body: { data: {} } })).status).toBe(403);
      expect((await v.call('GET', 'secret/metadata/?list=true', { token: tok })).status).toBe(200);
      expect((await v.call('GET', 'secret/metadata/app', { token: tok })).status).toBe(403);
      expect((await v.call('DELETE', 'secret/metadata/app', { token: tok })).status).toBe(403);
    });
  });

  describe('mounts', () => {
    it('lists, tunes and disables mounts', async () => {
      const list = await v.call('GET', 'sys/mounts', { token: t });
      expect(list.body.data['secret/']).toMatchObject({ type: 'kv', options: { version: '2' } });
      expect(list.body['kv1/']).toMatchObject({ type: 'kv', description: 'v1' });
      expect(list.body.data['sys/'].type).toBe('system');
      expect(list.body.data['cubbyhole/'].type).toBe('cubbyhole');
      await v.call('POST', 'sys/mounts/kv1/tune', {
        token: t,
        body: { default_lease_ttl: '1h', description: 'tuned' },
      });
      const tune = await v.call('GET', 'sys/mounts/kv1/tune', { token: t });
      expect(tune.body.data).toMatchObject({ default_lease_ttl: 3600, description: 'tuned' });
      expect((await v.call('GET', 'kv1/top', { token: t })).body.lease_duration).toBe(3600);
      expect((await v.call('POST', 'sys/mounts/kv1', { token: t, body: { type: 'kv' } })).status).toBe(400);
      expect((await v.call('POST', 'sys/mounts/sys', { token: t, body: { type: 'kv' } })).status).toBe(400);
      expect((await v.call('POST', 'sys/mounts/nope', { token: t, body: { type: 'database' } })).status).toBe(400);
      expect((await v.call('DELETE', 'sys/mounts/kv1', { token: t })).status).toBe(204);
      expect((await v.call('GET', 'kv1/top', { token: t })).status).toBe(404);
      expect((await v.call('DELETE', 'sys/mounts/sys', { token: t })).status).toBe(400);
      // Remounting at the same path starts empty.
      await v.call('POST', 'sys/mounts/kv1', { token: t, body: { type: 'kv' } });
      expect((await v.call('GET', 'kv1/top', { token: t })).status).toBe(404);
    });

    it('cubbyhole is private to each token', async () => {
      const a = (await v.call('POST', 'auth/token/create', { token: t, body: {} })).body.auth.client_token;
      const b = (await v.call('POST', 'auth/token/create', { token: t, body: {} })).body.auth.client_token;
      await v.call('POST', 'cubbyhole/mine', { token: a, body: { s: 'a' } });
      expect((await v.call('GET', 'cubbyhole/mine', { token: a })).body.data).toEqual({ s: 'a' });
      expect((await v.call('GET', 'cubbyhole/mine', { token: b })).status).toBe(404);
    });
  });
});
