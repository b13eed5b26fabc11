import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('request ids', () => {
  it('echoes a caller X-Request-Id and puts it in error bodies', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'trace-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'trace-123' });
  });

  it('makes one up when the caller sends none or a malformed one', async () => {
    const res = await app.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health and metrics', () => {
  it('answers liveness and readiness (which checks the database)', async () => {
    expect((await app.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('exposes Prometheus metrics with route patterns, never raw ids', async () => {
    await app.app.inject({ method: 'GET', url: '/fhir/R4/Patient/some-secret-id' });
    const res = await app.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('meridian_http_requests_total');
    expect(res.body).toContain('route="/fhir/R4/:type/:id"');
    expect(res.body).not.toContain('some-secret-id');
  });
});

describe('API documentation', () => {
  it('serves an OpenAPI document and the browsable docs', async () => {
    const spec = await app.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toMatch(/^3\./);
    expect(Object.keys(spec.json().paths)).toContain('/readyz');
    const ui = await app.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });
});

describe('local admin', () => {
  it('refuses /admin/local calls without the CLI token', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/admin/local/migrate' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ADMIN_TOKEN_REQUIRED');
    const ok = await app.app.inject({
      method: 'POST',
      url: '/admin/local/migrate',
      headers: { authorization: `Bearer ${app.localAdminToken}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().applied).toEqual([]);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request already in flight when the server closes', async () => {
    // Close only once the request is being served (a fixed pause raced the connect on a busy machine).
    let arrived!: () => void;
    const serving = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const slow = await createTestApp(
      {},
      {
        beforeReady: (fastify) =>
          fastify.get('/slow-for-test', { config: { access: 'public' } }, async () => {
            arrived();
            await new Promise((resolve) => setTimeout(resolve, 300));
            return { done: true };
          }),
      },
    );
    const address = await slow.app.listen({ port: 0, host: '127.0.0.1' });
    const pending = fetch(`${address}/slow-for-test`);
    await serving;
    const closing = slow.close();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
  });
});
