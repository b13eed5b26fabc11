import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVault, type TestVault } from './helpers.js';

describe('token auth', () => {
  let v: TestVault;
  let root: string;
  const create = async (body: Record<string, unknown>, token = root, path = 'auth/token/create') => {
    const res = await v.call('POST', path, { token, body });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body.auth as { client_token: string; accessor: string; policies: string[]; lease_duration: number };
  };
  beforeAll(async () => {
    v = await startVault();
    root = v.rootToken;
    await v.call('PUT', 'sys/policy/reader', {
      token: root,
      body: {
        policy:
          'path "secret/*" { capabilities = ["read", "list"] }\npath "auth/token/create*" { capabilities = ["update"] }',
      },
    });
    await v.call('POST', 'sys/mounts/secret', { token: root, body: { type: 'kv' } });
    await v.call('POST', 'secret/x', { token: root, body: { v: 1 } });
  });
  afterAll(async () => {
    await v.close();
  });

  it('the root token looks itself up', async () => {
    const res = await v.call('GET', 'auth/token/lookup-self', { token: root });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      policies: ['root'],
      ttl: 0,
      expire_time: null,
      orphan: true,
      path: 'auth/token/root',
    });
    expect(res.body).toMatchObject({ lease_id: '', renewable: false, wrap_info: null, mount_type: 'token' });
    expect(typeof res.body.request_id).toBe('string');
  });

  it('accepts Authorization: Bearer as well as X-Vault-Token', async () => {
    const res = await v.call('GET', 'auth/token/lookup-self', { headers: { Authorization: `Bearer ${root}` } });
    expect(res.status).toBe(200);
    expect((await v.call('GET', 'auth/token/lookup-self')).status).toBe(403);
    const bad = await v.call('GET', 'auth/token/lookup-self', { token: 'hvs.nope' });
    expect(bad.status).toBe(403);
    expect(bad.body.errors).toEqual(['permission denied']);
  });

  it('creates tokens with policies, ttl, metadata and uses', async () => {
    const auth = await create({
      policies: ['reader'],
      ttl: '1h',
      meta: { team: 'a' },
      display_name: 'ci',
      num_uses: 5,
    });
    expect(auth.client_token).toMatch(/^hvs\./);
    expect(auth.policies).toEqual(['default', 'reader']);
    expect(auth.lease_duration).toBe(3600);
    const look = await v.call('POST', 'auth/token/lookup', { token: root, body: { token: auth.client_token } });
    expect(look.body.data).toMatchObject({
      policies: ['default', 'reader'],
      ttl: 3600,
      creation_ttl: 3600,
      meta: { team: 'a' },
      display_name: 'token-ci',
      num_uses: 5,
      orphan: false,
      renewable: true,
      id: auth.client_token,
    });
    const byAccessor = await v.call('POST', 'auth/token/lookup-accessor', {
      token: root,
      body: { accessor: auth.accessor },
    });
    expect(byAccessor.body.data.id).toBe('');
    expect(byAccessor.body.data.accessor).toBe(auth.accessor);
  });

  it('a non-root parent can only hand out a subset of its policies', async () => {
    const parent = await create({ policies: ['reader'] });
    const child = await v.call('POST', 'auth/token/create', {
      token: parent.client_token,
      body: { policies: ['root'] },
    });
    expect(child.status).toBe(400);
    const other = await v.call('POST', 'auth/token/create', {
      token: parent.client_token,
      body: { policies: ['admin'] },
    });
    expect(other.status).toBe(400);
    expect(other.body.errors[0]).toMatch(/subset/);
    const inherited = await create({}, parent.client_token);
    expect(inherited.policies).toEqual(['default', 'reader']);
    const orphan = await v.call('POST', 'auth/token/create', { token: parent.client_token, body: { no_parent: true } });
    expect(orphan.status).toBe(400);
  });

  it('enforces the TTL to the second with the injected clock', async () => {
    const auth = await create({ policies: ['reader'], ttl: 60 });
    v.clock.advance(59);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(200);
    const look = await v.call('GET', 'auth/token/lookup-self', { token: auth.client_token });
    expect(look.body.data.ttl).toBe(1);
    v.clock.advance(1);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(403);
    // Gone for good, even if time went backwards.
    v.clock.advance(-30);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(403);
    v.clock.advance(30);
  });

  it('renews up to explicit_max_ttl and no further', async () => {
    const auth = await create({ policies: ['reader'], ttl: 60, explicit_max_ttl: 100 });
    v.clock.advance(50);
    const renewed = await v.call('POST', 'auth/token/renew-self', {
      token: auth.client_token,
      body: { increment: 60 },
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.auth.lease_duration).toBe(50);
    expect(renewed.body.warnings[0]).toMatch(/capped/);
    v.clock.advance(49);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(200);
    v.clock.advance(1);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(403);
  });

  it('renews another token, periodic tokens reset to their period, non-renewable tokens refuse', async () => {
    const a = await create({ policies: ['reader'], ttl: 30 });
    v.clock.advance(20);
    const r = await v.call('POST', 'auth/token/renew', {
      token: root,
      body: { token: a.client_token, increment: '2m' },
    });
    expect(r.body.auth.lease_duration).toBe(120);
    const p = await create({ policies: ['reader'], period: '10m' });
    expect(p.lease_duration).toBe(600);
    v.clock.advance(500);
    const pr = await v.call('POST', 'auth/token/renew-self', { token: p.client_token });
    expect(pr.body.auth.lease_duration).toBe(600);
    const fixed = await create({ policies: ['reader'], ttl: 30, renewable: false });
    const fr = await v.call('POST', 'auth/token/renew-self', { token: fixed.client_token });
    expect(fr.status).toBe(400);
    const viaAccessor = await v.call('POST', 'auth/token/renew-accessor', {
      token: root,
      body: { accessor: p.accessor },
    });
    expect(viaAccessor.status).toBe(200);
  });

  it('counts uses: the token dies after its last one', async () => {
    const auth = await create({ policies: ['reader'], num_uses: 2 });
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(200);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(200);
    expect((await v.call('GET', 'secret/x', { token: auth.client_token })).status).toBe(403);
    const look = await v.call('POST', 'auth/token/lookup', { token: root, body: { token: auth.client_token } });
    expect(look.status).toBe(403);
  });

  it('revoking a parent revokes its children; orphans survive', async () => {
    const parent = await create({ policies: ['reader'] });
    const child = await create({}, parent.client_token);
    const grandchild = await create({}, child.client_token);
    const orphan = await create({ policies: ['reader'] }, parent.client_token, 'auth/token/create-orphan');
    expect(
      (await v.call('POST', 'auth/token/revoke', { token: root, body: { token: parent.client_token } })).status,
    ).toBe(204);
    for (const t of [parent, child, grandchild]) {
      expect((await v.call('GET', 'auth/token/lookup-self', { token: t.client_token })).status).toBe(403);
    }
    const o = await v.call('GET', 'auth/token/lookup-self', { token: orphan.client_token });
    expect(o.status).toBe(200);
    expect(o.body.data.orphan).toBe(true);
  });

  it('children of an expired parent stop working at the same second', async () => {
    const parent = await create({ policies: ['reader'], ttl: 10 });
    const child = await create({ ttl: 3600 }, parent.client_token);
    v.clock.advance(10);
    expect((await v.call('GET', 'secret/x', { token: child.client_token })).status).toBe(403);
  });

  it('revoke-self, revoke-accessor and revoke-orphan', async () => {
    const a = await create({ policies: ['reader'] });
    expect((await v.call('POST', 'auth/token/revoke-self', { token: a.client_token })).status).toBe(204);
    expect((await v.call('GET', 'auth/token/lookup-self', { token: a.client_token })).status).toBe(403);

    const b = await create({ policies: ['reader'] });
    await v.call('POST', 'auth/token/revoke-accessor', { token: root, body: { accessor: b.accessor } });
    expect((await v.call('GET', 'auth/token/lookup-self', { token: b.client_token })).status).toBe(403);

    const parent = await create({ policies: ['reader'] });
    const child = await create({}, parent.client_token);
    // revoke-orphan needs sudo
    expect(
      (
        await v.call('POST', 'auth/token/revoke-orphan', {
          token: parent.client_token,
          body: { token: parent.client_token },
        })
      ).status,
    ).toBe(403);
    await v.call('POST', 'auth/token/revoke-orphan', { token: root, body: { token: parent.client_token } });
    const c = await v.call('GET', 'auth/token/lookup-self', { token: child.client_token });
    expect(c.status).toBe(200);
    expect(c.body.data.orphan).toBe(true);
  });

  it('a token without a policy for a path gets 403', async () => {
    const auth = await create({ policies: ['reader'] });
    const res = await v.call('POST', 'secret/x', { token: auth.client_token, body: { v: 2 } });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual(['permission denied']);
    expect((await v.call('GET', 'sys/mounts', { token: auth.client_token })).status).toBe(403);
  });

  it('bad durations are refused', async () => {
    const res = await v.call('POST', 'auth/token/create', { token: root, body: { ttl: 'soon' } });
    expect(res.status).toBe(400);
  });
});
