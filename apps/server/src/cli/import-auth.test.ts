import { describe, expect, it } from 'vitest';
import { withFhirSignIn } from './import-auth';
import type { CliResponse, ServerConnection } from './server-connection';

function answer(status: number, body: unknown = {}): CliResponse {
  const text = JSON.stringify(body);
  return { status, headers: {}, body: text, json: <T>() => JSON.parse(text) as T };
}

describe('withFhirSignIn', () => {
  it('signs in as a service client and signs in again once when the token has expired', async () => {
    const calls: { path: string; authorization?: string }[] = [];
    let tokens = 0;
    let fhirCalls = 0;
    const inner: ServerConnection = {
      mode: 'in-process',
      async request(_method, path, _body, headers = {}) {
        calls.push({ path, authorization: headers.authorization });
        if (path === '/admin/local/clients') return answer(201, { client_id: 'mc_1', client_secret: 's' });
        if (path === '/auth/token') return answer(200, { access_token: `token-${++tokens}` });
        fhirCalls++;
        return fhirCalls === 1 ? answer(401) : answer(200);
      },
      async close() {},
    };
    const connection = await withFhirSignIn(inner, 'tenant');
    const res = await connection.request('POST', '/fhir/R4', '{}');
    expect(res.status).toBe(200);
    const fhir = calls.filter((call) => call.path === '/fhir/R4').map((call) => call.authorization);
    expect(fhir).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('says clearly when the client cannot be registered', async () => {
    const inner: ServerConnection = {
      mode: 'running-server',
      request: async () => answer(404, { detail: 'no route' }),
      close: async () => {},
    };
    await expect(withFhirSignIn(inner, 'tenant')).rejects.toThrow(/register the import/);
  });
});
