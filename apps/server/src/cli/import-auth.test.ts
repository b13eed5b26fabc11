import { describe, expect, it } from 'vitest';
import { forTenant } from './import-auth';
import type { CliResponse, ServerConnection } from './server-connection';

describe('forTenant', () => {
  it('names the tenant on every request and keeps the caller headers', async () => {
    const seen: Record<string, string>[] = [];
    const inner: ServerConnection = {
      mode: 'in-process',
      async request(_method, _path, _body, headers = {}) {
        seen.push(headers);
        return { status: 200, headers: {}, body: '{}', json: <T>() => ({}) as T } satisfies CliResponse;
      },
      async close() {},
    };
    const tenant = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';
    await forTenant(inner, tenant).request('POST', '/fhir/R4', '{}', { prefer: 'return=minimal' });
    expect(seen).toEqual([{ prefer: 'return=minimal', 'x-meridian-tenant': tenant }]);
  });
});
