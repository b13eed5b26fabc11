import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestVault, startVault } from './helpers.js';

describe('smoke', () => {
  let v: TestVault;
  beforeAll(async () => {
    v = await startVault();
  });
  afterAll(async () => {
    await v.close();
  });

  it('mounts kv v2, writes and reads', async () => {
    const t = v.rootToken;
    expect((await v.call('POST', 'sys/mounts/secret', { token: t, body: { type: 'kv-v2' } })).status).toBe(204);
    const w = await v.call('POST', 'secret/data/foo', { token: t, body: { data: { a: 'b' } } });
    expect(w.status).toBe(200);
    expect(w.body.data.version).toBe(1);
    const r = await v.call('GET', 'secret/data/foo', { token: t });
    expect(r.body.data.data).toEqual({ a: 'b' });
  });
});
