import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isApiError } from './api-error';
import { HttpClient } from './http-client';

type Call = { url: string; init: RequestInit };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function client(answers: Record<string, (call: Call) => Response>) {
  const calls: Call[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    const answer = answers[call.url];
    if (!answer) throw new TypeError('Failed to fetch');
    return answer(call);
  });
  return { http: new HttpClient('', fetchImpl as typeof fetch), calls };
}

describe('HttpClient', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { cookie: 'other=1; meridian_csrf=token%3D42' });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends a request id on every call and the CSRF cookie on changes only', async () => {
    const { http, calls } = client({ '/x': () => json(200, { ok: true }) });
    await http.request('/x');
    await http.request('/x', { method: 'POST', body: { a: 1 } });
    const [get, post] = calls.map((call) => call.init.headers as Record<string, string>);
    expect(get?.['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(get?.['x-csrf-token']).toBeUndefined();
    expect(post?.['x-csrf-token']).toBe('token=42');
    expect(calls[1]?.init.body).toBe('{"a":1}');
  });

  it('turns an OperationOutcome into an error with its issues and request id', async () => {
    const { http } = client({
      '/fhir/R4/Patient': () =>
        json(400, {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'structure',
              diagnostics: 'Invalid date format',
              expression: ['Patient.birthDate'],
            },
          ],
          extension: [{ url: 'https://meridian.health/fhir/StructureDefinition/request-id', valueString: 'req-1' }],
        }),
    });
    const error = await http.request('/fhir/R4/Patient', { method: 'POST', body: {} }).catch((caught) => caught);
    expect(isApiError(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.requestId).toBe('req-1');
    expect(error.issues).toEqual([
      { severity: 'error', code: 'structure', message: 'Invalid date format', expression: 'Patient.birthDate' },
    ]);
  });

  it('keeps a problem body’s code and extra fields', async () => {
    const { http } = client({
      '/auth/login': () =>
        json(429, {
          code: 'AUTH_ACCOUNT_LOCKED',
          detail: 'Too many failed sign-ins',
          requestId: 'r2',
          retryAfterSeconds: 90,
        }),
    });
    const error = await http.request('/auth/login', { method: 'POST', body: {} }).catch((caught) => caught);
    expect(error.code).toBe('AUTH_ACCOUNT_LOCKED');
    expect(error.details.retryAfterSeconds).toBe(90);
    expect(error.message).toBe('Too many failed sign-ins');
  });

  it('renews the session once on a 401 and retries, sharing one renewal between callers', async () => {
    let renewed = false;
    const { http, calls } = client({
      '/fhir/R4/Patient/1': () =>
        renewed ? json(200, { id: '1' }) : json(401, { code: 'AUTH_REQUIRED', detail: 'Sign in' }),
      '/auth/refresh': () => {
        renewed = true;
        return json(200, { csrf_token: 'new' });
      },
    });
    const [a, b] = await Promise.all([http.request('/fhir/R4/Patient/1'), http.request('/fhir/R4/Patient/1')]);
    expect(a.body).toEqual({ id: '1' });
    expect(b.body).toEqual({ id: '1' });
    expect(calls.filter((call) => call.url === '/auth/refresh')).toHaveLength(1);
  });

  it('reports an ended session when renewal fails, except while asking who is signed in', async () => {
    const { http } = client({
      '/fhir/R4/Patient': () => json(401, { code: 'AUTH_REQUIRED', detail: 'Sign in' }),
      '/auth/me': () => json(401, { code: 'AUTH_REQUIRED', detail: 'Sign in' }),
      '/auth/refresh': () => json(401, { code: 'AUTH_REFRESH_INVALID', detail: 'No' }),
    });
    const expired = vi.fn();
    http.onSessionExpired = expired;
    await expect(http.request('/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(expired).not.toHaveBeenCalled();
    await expect(http.request('/fhir/R4/Patient')).rejects.toMatchObject({ status: 401 });
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('never tries to renew around a failed sign-in', async () => {
    const { http, calls } = client({
      '/auth/login': () => json(401, { code: 'AUTH_INVALID_CREDENTIALS', detail: 'Wrong email or password' }),
    });
    await expect(http.request('/auth/login', { method: 'POST', body: {} })).rejects.toMatchObject({
      message: 'Wrong email or password',
    });
    expect(calls.map((call) => call.url)).toEqual(['/auth/login']);
  });

  it('says the server cannot be reached when the network fails', async () => {
    const { http } = client({});
    const error = await http.request('/readyz').catch((caught) => caught);
    expect(error.isNetworkError).toBe(true);
    expect(error.message).toContain('Cannot reach the Meridian server');
  });
});
